// Fan-out benchmark: N socket.io clients in one live room; the time from a stock change published
// on NATS to its arrival at each client (p50/p99), and the live-room process's memory per
// connection (RSS delta ÷ N). The live room runs as its own process (compiled dist, as in
// production) so client memory does not count against it; inventory/order/gateway run in here.
//   npx tsc -b && node --import tsx services/live-room/bench/fanout.ts --clients 1000 [--clients 5000] [--rounds 5]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect as natsConnect } from 'nats';
import { io, type Socket } from 'socket.io-client';
import { RpcClient } from '@lc/kit';
import { LiveRoomServiceClient } from '@lc/contracts';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { isolate, NATS_URL } from '../../../test-support/isolation.js';
import { spawnService, startCore } from '../../../test-support/platform.js';

const { values } = parseArgs({ options: { clients: { type: 'string', multiple: true, default: ['1000'] }, rounds: { type: 'string', default: '5' } } });
const sizes = values.clients.map(Number);
const rounds = Number(values.rounds);

const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function token(base: string, userId: string): Promise<string> {
  const r = await fetch(`${base}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  return ((await r.json()) as { token: string }).token;
}

async function run(n: number) {
  const iso = isolate();
  const core = await startCore(iso);
  const room = await spawnService('live-room', {
    ...iso.env('live-room'),
    LOG_LEVEL: 'warn',
    INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
    ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
    MEDIA_ENABLED: 'false',
  });
  const url = `http://127.0.0.1:${room.httpPort}`;
  const sockets: Socket[] = [];
  try {
    const sessions = new RpcClient(LiveRoomServiceClient, `127.0.0.1:${room.grpcPort}`);
    const { liveSession } = await sessions.call((c) => c.createLiveSession, { leaderId: 'leader-1', title: 'bench', scheduledAtMs: 0 });
    sessions.close();
    const sessionId = liveSession!.id;
    const { flashSaleId } = await createFlashSale(await Api.login(core.url, 'leader-1'), { quantity: 100, perBuyerLimit: 1, stock: 100 });
    const leader = io(url, { auth: { token: await token(core.url, 'leader-1') }, transports: ['websocket'] });
    sockets.push(leader);
    await leader.timeout(10_000).emitWithAck('session:join', { sessionId });
    const started = await leader.timeout(10_000).emitWithAck('sale:start', { flashSaleId });
    if (!started.ok) throw new Error(JSON.stringify(started));

    await sleep(500);
    const rssBefore = rssKiB(room.child.pid!);
    const buyerToken = await token(core.url, 'buyer-1'); // one identity is enough: fan-out cost is per socket
    const latencies: number[] = [];
    const expected = new Map<number, number>(); // held marker → atMs
    let joined = 0;
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, async () => {
          const s = io(url, { auth: { token: buyerToken }, transports: ['websocket'], reconnection: false });
          sockets.push(s);
          s.on('sale:stock', (c: { held: number; atMs: number }) => {
            if (expected.has(c.held)) latencies.push(Date.now() - c.atMs);
          });
          await new Promise<void>((resolve, reject) => {
            s.once('connect', resolve);
            s.once('connect_error', reject);
          });
          const r = await s.timeout(30_000).emitWithAck('session:join', { sessionId });
          if (!r.ok) throw new Error(JSON.stringify(r));
          joined += 1;
        }),
      );
    }
    await sleep(2000);
    const rssAfter = rssKiB(room.child.pid!);

    const nc = await natsConnect({ servers: NATS_URL });
    for (let r = 1; r <= rounds; r++) {
      const atMs = Date.now();
      expected.set(1000 + r, atMs);
      nc.publish(`${iso.id}.inventory.stock.changed`, JSON.stringify({ flashSaleId, quantity: 100, held: 1000 + r, sold: 0, available: 100, atMs }));
      await nc.flush();
      await sleep(1200); // > the coalescing interval, so each change is broadcast at once
    }
    await nc.close();
    latencies.sort((a, b) => a - b);
    return {
      clients: n,
      joined,
      delivered: `${latencies.length}/${n * rounds}`,
      p50Ms: pct(latencies, 50),
      p99Ms: pct(latencies, 99),
      maxMs: latencies.at(-1) ?? NaN,
      rssDeltaMiB: +((rssAfter - rssBefore) / 1024).toFixed(1),
      kibPerConnection: +((rssAfter - rssBefore) / n).toFixed(1),
    };
  } finally {
    for (const s of sockets) s.disconnect();
    room.child.kill('SIGTERM');
    await room.exited;
    await core.stop();
    await iso.cleanup();
  }
}

const rows = [];
for (const n of sizes) rows.push(await run(n));
console.table(rows);
console.log('targets (issue 4): p99 ≤ 250 ms and ≤ 100 KiB per connection at 1,000 clients');
process.exit(0);
