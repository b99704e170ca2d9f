// `npm run bench`: reservation attempts/s and p50/p99 on one hot pool through (a) inventory's gRPC
// and (b) the gateway's REST API, each as a ratio to a single-hop baseline measured in this run
// (a minimal HTTP server doing the same Lua step on the same Redis) — while stock lasts and after
// sell-out. Services run as their own processes, as in production. While stock lasts, two floor
// rows show what the path's hops alone cost here (hot-path-floor.ts). To see where a row's time goes,
// SERVICE_NODE_ARGS passes flags to every service process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
// and BENCH_PHASES / BENCH_PATHS pick rows; BENCH_CONCURRENCY and BENCH_SECONDS shape the load, and
// BENCH_RATE offers a fixed rate instead of the closed loop (to compare CPU per attempt).
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RpcClient } from '@lc/kit';
import { InventoryServiceClient, ReserveOutcome } from '@lc/contracts';
import { ensureBackingServices } from '../scripts/backing-services.js';
import { HotPools } from '../services/inventory/src/adapters/hot-pool.js';
import { DATABASE_URL, isolate, REDIS_URL } from '../test-support/isolation.js';
import { freePort, repoRoot, spawnService } from '../test-support/platform.js';
import { Api, createFlashSale } from '../test-support/api.js';
import { closedLoop, openLoop, type LoadResult } from './load.js';
import { startFloors } from './hot-path-floor.js';
import { coresBetween, cpuSeconds } from './process-cpu.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const LOAD_SHAPE = RATE ? `${RATE} attempts/s offered` : `${CONCURRENCY} concurrent clients`;
const BUYERS = 2000;
// Only some rows, e.g. BENCH_PHASES='while stock lasts' BENCH_PATHS=gateway, when profiling one.
const PHASES = process.env.BENCH_PHASES?.split(',');
const PATHS = process.env.BENCH_PATHS?.split(',');
const chosen = (list: string[] | undefined, name: string) => !list || list.includes(name);

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function main() {
  await ensureBackingServices(() => undefined);
  const iso = isolate();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  log('starting inventory, order, gateway and the baseline server…');
  const invPort = await freePort();
  const inventory = await spawnService('inventory', { ...iso.env('inventory'), GRPC_PORT: String(invPort), LOG_LEVEL: 'warn' });
  // The gateway asks fulfillment which warehouse serves the leader before products and pools are
  // made, and the order service checks each placement's pickup point against its points.
  const fulfillment = await spawnService('fulfillment', { ...iso.env('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0', LOG_LEVEL: 'warn' });
  const order = await spawnService('order', { ...iso.env('order'), INVENTORY_ADDR: `127.0.0.1:${invPort}`, FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.grpcPort}`, LOG_LEVEL: 'warn' });
  const gateway = await spawnService('gateway', {
    ...iso.env('gateway'),
    INVENTORY_ADDR: `127.0.0.1:${invPort}`,
    ORDER_ADDR: `127.0.0.1:${order.grpcPort}`,
    FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.grpcPort}`,
    ORDER_RATE_PER_SECOND: '1000000',
    ORDER_RATE_BURST: '1000000',
    LOG_LEVEL: 'warn',
  });
  const baseline = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'baseline-server.ts')], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_PREFIX: `${iso.id}:base:` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baselinePort = await new Promise<number>((resolve) => baseline.stdout!.once('data', (d) => resolve(Number(String(d).split(' ')[1]))));
  const gatewayUrl = `http://127.0.0.1:${gateway.httpPort}`;
  const floors = await startFloors(DATABASE_URL, REDIS_URL, `${iso.id}_floor`, `${iso.id}:floor:`);

  try {
    const leader = await Api.login(gatewayUrl, 'leader-1');
    const big = await createFlashSale(leader, { quantity: 1_000_000, perBuyerLimit: 1_000_000 });
    const small = await createFlashSale(leader, { quantity: 1, perBuyerLimit: 1 });
    const redis = new Redis(REDIS_URL);
    const basePools = new HotPools(redis, `${iso.id}:base:`);
    const window = { startsAtMs: Date.now() - 1000, endsAtMs: Date.now() + 3600_000, holds: [] };
    await basePools.load('big', { quantity: 1_000_000, limit: 1_000_000, ...window }, 'g');
    await basePools.load('small', { quantity: 0, limit: 1, ...window }, 'g');
    await new HotPools(redis, `${iso.id}:floor:`).load('big', { quantity: 1_000_000, limit: 1_000_000, ...window }, 'g');
    log(`signing in ${BUYERS} buyers…`);
    const tokens: string[] = [];
    for (let b = 0; b < BUYERS; b += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, (_, j) => Api.login(gatewayUrl, `buyer-${b + j + 1}`)));
      tokens.push(...batch.map((a) => a.token));
    }
    const inventoryRpc = new RpcClient(InventoryServiceClient, `127.0.0.1:${invPort}`);
    const outcomeName = (n: number) => ReserveOutcome[n]?.replace('RESERVE_OUTCOME_', '') ?? String(n);
    const run = { n: 0 };
    const key = () => `bench-${run.n}-${Math.random().toString(36).slice(2)}`;

    // The baseline and the floors take the same minimal request.
    const bare = (url: string) => (pool: 'big' | 'small') => async (i: number) => String(await post(url, { poolId: pool, buyerId: `buyer-${(i % BUYERS) + 1}`, key: key() }));
    const phases: Record<string, (pool: 'big' | 'small') => (i: number) => Promise<string>> = {
      baseline: bare(`http://127.0.0.1:${baselinePort}/reserve`),
      'inventory gRPC': (pool) => async (i) => {
        const r = await inventoryRpc.call((c) => c.reserve, { flashSaleId: pool === 'big' ? big.flashSaleId : small.flashSaleId, buyerId: `buyer-${(i % BUYERS) + 1}`, qty: 1, idempotencyKey: key() });
        return outcomeName(r.outcome);
      },
      gateway: (pool) => async (i) =>
        String(
          await post(`${gatewayUrl}/api/v1/orders`, { flashSaleId: pool === 'big' ? big.flashSaleId : small.flashSaleId, qty: 1 }, {
            authorization: `Bearer ${tokens[i % BUYERS]}`,
            'idempotency-key': key(),
          }),
        ),
      'floor: 3 hops': bare(floors.threeHops.url),
      'floor: 2 hops': bare(floors.twoHops.url),
    };
    // The skeletons have no sold-out board, so after sell-out they would measure something else.
    const inPhase = (path: string, pool: 'big' | 'small') => !path.startsWith('floor') || pool === 'big';

    const results: { phase: string; path: string; r: LoadResult; cores: Record<string, number> }[] = [];
    const pids = {
      load: process.pid,
      baseline: baseline.pid,
      gateway: gateway.child.pid,
      order: order.child.pid,
      inventory: inventory.child.pid,
      ...floors.threeHops.pids,
      ...floors.twoHops.pids,
    };
    const cpuNow = () => cpuSeconds(pids, ['postgres', 'redis-server', 'nats-server']);
    for (const [phase, pool] of ([['while stock lasts', 'big'], ['after sell-out', 'small']] as const).filter(([p]) => chosen(PHASES, p))) {
      if (pool === 'small') {
        // Sell the one unit and let the sold-out event reach the gateway.
        await post(`${gatewayUrl}/api/v1/orders`, { flashSaleId: small.flashSaleId, qty: 1 }, { authorization: `Bearer ${tokens[0]}`, 'idempotency-key': 'sellout' });
        await new Promise((r) => setTimeout(r, 1500));
      }
      // The baseline always runs: every ratio is to it.
      for (const path of Object.keys(phases).filter((p) => (p === 'baseline' || chosen(PATHS, p)) && inPhase(p, pool))) {
        run.n++;
        log(`${phase}: ${path} (${LOAD_SHAPE}, ${SECONDS} s)…`);
        const started = cpuNow();
        const load = { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS };
        const r = RATE ? await openLoop(phases[path]!(pool), { rate: RATE, ...load }) : await closedLoop(phases[path]!(pool), { concurrency: CONCURRENCY, ...load });
        results.push({ phase, path, r, cores: coresBetween(started, cpuNow(), SECONDS + WARMUP_SECONDS) });
      }
    }
    inventoryRpc.close();
    redis.disconnect();

    const rows = results.map(({ phase, path, r, cores }) => {
      const base = results.find((x) => x.phase === phase && x.path === 'baseline')!.r;
      return {
        phase,
        path,
        'attempts/s': Math.round(r.perSecond),
        'p50 ms': r.p50.toFixed(2),
        'p99 ms': r.p99.toFixed(2),
        'ratio to baseline': (r.perSecond / base.perSecond).toFixed(2),
        outcomes: Object.entries(r.outcomes).map(([k, v]) => `${k}:${v}`).join(' '),
        // What one attempt costs the whole machine: with the cores at their limit, this is what
        // caps attempts/s, whatever the latency.
        'CPU ms/attempt': ((Object.values(cores).reduce((a, c) => a + c, 0) / r.perSecond) * 1000).toFixed(2),
        'busy cores': Object.entries(cores)
          .filter(([, c]) => c >= 0.05)
          .map(([k, c]) => `${k.replace('-server', '')} ${c.toFixed(2)}`)
          .join(', '),
      };
    });
    console.log(`\nreservation benchmark — one hot pool, ${LOAD_SHAPE}, ${SECONDS} s per row after ${WARMUP_SECONDS} s of warm-up, this machine`);
    console.table(rows);
  } finally {
    for (const p of [gateway, order, fulfillment, inventory]) p.child.kill('SIGTERM');
    await floors.stop();
    baseline.kill('SIGTERM');
    await Promise.all([gateway, order, fulfillment, inventory].map((p) => p.exited));
    await iso.cleanup();
    agent.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
