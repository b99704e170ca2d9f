// The single-hop baseline for `npm run bench`: a minimal HTTP server that runs the same reserve
// Lua step on the same Redis and answers, with nothing else in the way.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { HotPools } from '../services/inventory/src/adapters/hot-pool.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const pools = new HotPools(redis, process.env.REDIS_PREFIX ?? 'bench:');
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    try {
      const { poolId, buyerId, key } = JSON.parse(body) as { poolId: string; buyerId: string; key: string };
      const now = Date.now();
      const r = await pools.reserve(poolId, { buyerId, qty: 1, key, holdId: randomUUID(), expiresAtMs: now + 600_000, nowMs: now });
      res.writeHead(r.kind === 'RESERVED' ? 201 : 409, { 'content-type': 'application/json' }).end(JSON.stringify({ outcome: r.kind }));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  redis.disconnect();
});
