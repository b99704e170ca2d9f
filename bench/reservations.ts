// `npm run bench`: reservation attempts/s and p50/p99 on one hot pool through (a) inventory's gRPC
// and (b) the gateway's REST API, each as a ratio to a single-hop baseline measured in this run
// (a minimal HTTP server doing the same Lua step on the same Redis) — while stock lasts and after
// sell-out. Services run as their own processes, as in production. While stock lasts, two floor
// rows show what the path's hops alone cost here (hot-path-floor.ts). To see where a row's time goes,
// SERVICE_NODE_ARGS passes flags to every service process (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"),
// and BENCH_PHASES / BENCH_PATHS pick rows; BENCH_CONCURRENCY and BENCH_SECONDS shape the load, and
// BENCH_RATE offers a fixed rate instead of the closed loop (to compare CPU per attempt).
// First, before anything is warm, the cold burst (cold-burst.ts): BURST_BUYERS distinct new buyers
// at BURST_RATE/s on a fresh pool (BURST_QUANTITY units, limit 2, one in five asking 2), winners
// paying at once and BURST_CANCEL_SHARE cancelling, through the gateway, the 3-hop floor and the
// row-lock peer (row-lock-peer.ts). The bench runs its own Redis and NATS so their CPU is the
// bench's alone; Postgres work is counted per backend (application_name).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RpcClient } from '@lc/kit';
import { InventoryServiceClient, ReserveOutcome } from '@lc/contracts';
import { ensureBackingServices } from '../scripts/backing-services.js';
import { HotPools } from '../services/inventory/src/adapters/hot-pool.js';
import pg from 'pg';
import { DATABASE_URL, isolate } from '../test-support/isolation.js';
import { freePort, repoRoot, spawnService } from '../test-support/platform.js';
import { Api, createFlashSale } from '../test-support/api.js';
import { closedLoop, openLoop, type LoadResult } from './load.js';
import { startFloors } from './hot-path-floor.js';
import { coresBetween, cpuSeconds } from './process-cpu.js';
import { burstPlan, countsVerdict, percentiles, perSecondRows, runBurst, type BurstResult, type BurstTarget } from './cold-burst.js';
import { startRowLockPeer } from './row-lock-peer.js';
import { socketTaps, socketTapsRow } from './socket-taps.js';

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
const BURST = {
  buyers: Number(process.env.BURST_BUYERS ?? 600),
  rate: Number(process.env.BURST_RATE ?? 300),
  quantity: Number(process.env.BURST_QUANTITY ?? 120),
  limit: 2,
  bigEvery: 5,
  cancelShare: Number(process.env.BURST_CANCEL_SHARE ?? 0.15),
  // The sale is scheduled this long before it opens, as a live room's countdown does.
  countdownMs: Number(process.env.BURST_COUNTDOWN_MS ?? 3000),
};

/** A server of our own for the bench, so its CPU is the bench's alone. */
async function ownServer(command: string, args: (port: number, dir: string) => string[]): Promise<{ url: string; child: ChildProcess; stop: () => void }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const child = spawn(command, args(port, dir), { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `${command.includes('nats') ? 'nats' : 'redis'}://127.0.0.1:${port}`,
    child,
    stop: () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
  const redisServer = await ownServer('/usr/bin/redis-server', (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const natsServer = await ownServer('/usr/sbin/nats-server', (port, dir) => ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir]);
  const REDIS_URL = redisServer.url;
  // Postgres backends carry the process's name, so the cold burst charges each path its own.
  const own = (service: string) => ({ ...iso.env(service), REDIS_URL, NATS_URL: natsServer.url, PGAPPNAME: `${iso.id}-${service}` });
  log('starting inventory, order, gateway and the baseline server…');
  const invPort = await freePort();
  const inventory = await spawnService('inventory', { ...own('inventory'), GRPC_PORT: String(invPort), LOG_LEVEL: 'warn' });
  // The gateway asks fulfillment which warehouse serves the leader before products and pools are
  // made, and the order service checks each placement's pickup point against its points.
  const fulfillment = await spawnService('fulfillment', { ...own('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0', LOG_LEVEL: 'warn' });
  const order = await spawnService('order', { ...own('order'), INVENTORY_ADDR: `127.0.0.1:${invPort}`, FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.grpcPort}`, LOG_LEVEL: 'warn' });
  // The live room, for the socket taps row (no media: only its order path is measured).
  const liveRoom = await spawnService('live-room', { ...own('live-room'), INVENTORY_ADDR: `127.0.0.1:${invPort}`, ORDER_ADDR: `127.0.0.1:${order.grpcPort}`, MEDIA_ENABLED: 'false', LOG_LEVEL: 'warn' });
  const gateway = await spawnService('gateway', {
    ...own('gateway'),
    LIVE_ROOM_ADDR: `127.0.0.1:${liveRoom.grpcPort}`,
    INVENTORY_ADDR: `127.0.0.1:${invPort}`,
    ORDER_ADDR: `127.0.0.1:${order.grpcPort}`,
    FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.grpcPort}`,
    ORDER_RATE_PER_SECOND: '1000000',
    ORDER_RATE_BURST: '1000000',
    LOG_LEVEL: 'warn',
  });
  const baseline = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'baseline-server.ts')], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL, REDIS_PREFIX: `${iso.id}:base:` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baselinePort = await new Promise<number>((resolve) => baseline.stdout!.once('data', (d) => resolve(Number(String(d).split(' ')[1]))));
  const gatewayUrl = `http://127.0.0.1:${gateway.httpPort}`;
  const floors = await startFloors(DATABASE_URL, REDIS_URL, `${iso.id}_floor`, `${iso.id}:floor:`);
  const peer = await startRowLockPeer(DATABASE_URL, `${iso.id}_peer`, `${iso.id}_peer`);
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });

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
    // The cold burst first, before any row has warmed a path.
    const burstRows: Record<string, string | number>[] = [];
    const burstSummary: Record<string, string | number>[] = [];
    if (chosen(PHASES, 'cold burst')) {
      const burstAgent = new Agent({ keepAlive: true, maxSockets: 2048 });
      const send = (url: string, body: unknown, headers: Record<string, string> = {}) =>
        new Promise<{ status: number; body: Record<string, string> }>((resolve, reject) => {
          const payload = JSON.stringify(body);
          const req = request(url, { method: 'POST', agent: burstAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => {
              let parsed: Record<string, string> = {};
              try {
                parsed = JSON.parse(text) as Record<string, string>;
              } catch {
                // not JSON
              }
              resolve({ status: res.statusCode ?? 0, body: parsed });
            });
          });
          req.on('error', reject);
          req.end(payload);
        });
      const outcomeOf = (r: { status: number; body: Record<string, string> }) => (r.status === 409 ? (r.body.code ?? '409') : String(r.status));
      const sums = async (sql: string, values: unknown[]) => {
        const { rows } = await db.query<{ status: string; units: number }>(sql, values);
        return (status: string) => Number(rows.find((r) => r.status === status)?.units ?? 0);
      };
      const cpuLabels = { redis: redisServer.child.pid, nats: natsServer.child.pid };
      const results: { path: string; r: BurstResult }[] = [];

      // Our path: distinct buyers signed in beforehand (sign-in is not the sale); the pool is
      // scheduled a countdown before it opens, as the live room schedules it.
      log(`cold burst: signing in ${BURST.buyers} new buyers…`);
      const burstTokens: string[] = [];
      for (let b = 0; b < BURST.buyers; b += 100) {
        const batch = await Promise.all(Array.from({ length: Math.min(100, BURST.buyers - b) }, (_, j) => Api.login(gatewayUrl, `buyer-${8_000_000 + b + j}`)));
        burstTokens.push(...batch.map((a) => a.token));
      }
      const burstLeader = await Api.login(gatewayUrl, 'leader-1');
      const opensAt = Date.now() + BURST.countdownMs;
      const sale = await createFlashSale(burstLeader, { quantity: BURST.quantity, perBuyerLimit: BURST.limit, startsAt: new Date(opensAt).toISOString() });
      await new Promise((r) => setTimeout(r, Math.max(0, opensAt - Date.now())));
      const orderSchema = iso.env('order').DB_SCHEMA!;
      const bearer = (a: { buyer: number }) => ({ authorization: `Bearer ${burstTokens[a.buyer]}` });
      const targets: [string, BurstTarget][] = [
        [
          'gateway',
          {
            async place(a) {
              const r = await send(`${gatewayUrl}/api/v1/orders`, { flashSaleId: sale.flashSaleId, qty: a.qty }, { ...bearer(a), 'idempotency-key': a.key });
              return { outcome: outcomeOf(r), ...(r.status === 201 || r.status === 200 ? { placed: { orderId: r.body.id! } } : {}) };
            },
            pay: async (a, p) => outcomeOf(await send(`${gatewayUrl}/api/v1/orders/${p.orderId}/pay`, {}, bearer(a))),
            cancel: async (a, p) => outcomeOf(await send(`${gatewayUrl}/api/v1/orders/${p.orderId}/cancel`, {}, bearer(a))),
            async counts() {
              const pool = (await burstLeader.get(`/api/v1/flash-sales/${sale.flashSaleId}`)).body as { quantity: number; held: number; sold: number };
              const units = await sums(`SELECT status, SUM(qty)::int AS units FROM ${orderSchema}.orders WHERE flash_sale_id = $1 GROUP BY status`, [sale.flashSaleId]);
              return { quantity: pool.quantity, held: pool.held, sold: pool.sold, paidUnits: units('PAID'), pendingUnits: units('PENDING_PAYMENT') };
            },
            pids: { gateway: gateway.child.pid, order: order.child.pid, inventory: inventory.child.pid, fulfillment: fulfillment.child.pid, 'live-room': liveRoom.child.pid, ...cpuLabels },
            pgApps: [`${iso.id}-`],
          },
        ],
      ];
      // The skeleton and the peer get the same buyers on pools of the same terms, loaded (or
      // created) up front as ours is scheduled up front.
      const window = { startsAtMs: Date.now() - 1000, endsAtMs: Date.now() + 3600_000, holds: [] };
      const floorRedis = new Redis(REDIS_URL);
      await new HotPools(floorRedis, `${iso.id}:floor:`).load('burst', { quantity: BURST.quantity, limit: BURST.limit, ...window }, 'g');
      floorRedis.disconnect();
      await db.query(`INSERT INTO ${iso.id}_peer.stock (pool_id, quantity, per_buyer_limit) VALUES ('burst', $1, $2)`, [BURST.quantity, BURST.limit]);
      const bareTarget = (url: string, schema: string, pids: Record<string, number | undefined>, pgApp: string, counts: () => Promise<{ held: number; sold: number }>): BurstTarget => ({
        async place(a) {
          const r = await send(url, { poolId: 'burst', buyerId: `burst-${a.buyer}`, key: a.key, qty: a.qty });
          return { outcome: outcomeOf(r), ...(r.status === 201 ? { placed: { orderId: r.body.orderId!, holdId: r.body.holdId! } } : {}) };
        },
        pay: async (_a, p) => outcomeOf(await send(`${url}settle`, { poolId: 'burst', orderId: p.orderId, holdId: p.holdId, action: 'CONFIRM' })),
        cancel: async (_a, p) => outcomeOf(await send(`${url}settle`, { poolId: 'burst', orderId: p.orderId, holdId: p.holdId, action: 'RELEASE' })),
        async counts() {
          const units = await sums(`SELECT status, (SUM(total_fen) / 990)::int AS units FROM ${schema}.orders GROUP BY status`, []);
          return { quantity: BURST.quantity, ...(await counts()), paidUnits: units('PAID'), pendingUnits: units('PENDING_PAYMENT') };
        },
        pids,
        pgApps: [pgApp],
      });
      const holdCounts = (schema: string) => async () => {
        const units = await sums(`SELECT status, SUM(qty)::int AS units FROM ${schema}.holds WHERE pool_id = 'burst' GROUP BY status`, []);
        return { held: units('HELD'), sold: units('CONFIRMED') };
      };
      targets.push([
        'floor: 3 hops',
        bareTarget(floors.threeHops.url, `${iso.id}_floor`, { ...floors.threeHops.pids, ...cpuLabels }, `${iso.id}_floor-`, holdCounts(`${iso.id}_floor`)),
      ]);
      targets.push([
        'peer: row lock',
        bareTarget(peer.url, `${iso.id}_peer`, { peer: peer.pid }, `${iso.id}_peer`, async () => {
          const { rows } = await db.query(`SELECT held, sold FROM ${iso.id}_peer.stock WHERE pool_id = 'burst'`);
          return { held: rows[0].held as number, sold: rows[0].sold as number };
        }),
      ]);
      for (const [path, target] of targets.filter(([p]) => p === 'gateway' || chosen(PATHS, p))) {
        log(`cold burst: ${path} (${BURST.buyers} new buyers at ${BURST.rate}/s, ${BURST.quantity} units)…`);
        const r = await runBurst(target, burstPlan(BURST, `${iso.id}-${path.replace(/\W/g, '')}`), BURST.rate, db);
        results.push({ path, r });
        burstRows.push(...perSecondRows(path, r));
      }
      burstAgent.destroy();
      const cpuMs = (r: BurstResult) => (Object.values(r.cpu).reduce((a, c) => a + c, 0) * 1000) / Math.max(1, r.placed);
      const floor = results.find((x) => x.path === 'floor: 3 hops');
      const rowLock = results.find((x) => x.path === 'peer: row lock');
      const placedPerSecond = (r: BurstResult) => r.placed / (r.lastPlacedAtMs / 1000);
      for (const { path, r } of results) {
        const place = percentiles(r.samples.filter((s) => s.kind === 'place').map((s) => s.ms));
        const settle = percentiles(r.samples.filter((s) => s.kind !== 'place').map((s) => s.ms));
        burstSummary.push({
          path,
          'orders placed': r.placed,
          'placed/s while stock lasts': placedPerSecond(r).toFixed(0),
          'x row-lock peer': rowLock ? (placedPerSecond(r) / placedPerSecond(rowLock.r)).toFixed(2) : '',
          'place p50/p99/max ms': `${place.p50.toFixed(0)} / ${place.p99.toFixed(0)} / ${place.max.toFixed(0)}`,
          'pay+cancel p99/max ms': `${settle.p99.toFixed(0)} / ${settle.max.toFixed(0)}`,
          'settled after ms': Number.isFinite(r.settledAtMs) ? r.settledAtMs.toFixed(0) : 'not within 20 s',
          'CPU ms/placed order': cpuMs(r).toFixed(2),
          'x 3-hop floor': floor ? (cpuMs(r) / cpuMs(floor.r)).toFixed(2) : '',
          counts: countsVerdict(r.counts),
          'CPU s by process': Object.entries(r.cpu)
            .filter(([, c]) => c >= 0.005)
            .map(([k, c]) => `${k} ${c.toFixed(2)}`)
            .join(', '),
        });
      }
    }

    // The live room's burst: 200 sockets tapping when a countdown ends, on 50 units.
    let socketRow: ReturnType<typeof socketTapsRow> | undefined;
    if (chosen(PHASES, 'socket taps')) {
      log('socket taps: 200 buyers tapping order:place as a countdown ends, 50 units…');
      socketRow = socketTapsRow(
        await socketTaps(gatewayUrl, `http://127.0.0.1:${liveRoom.httpPort}`, { buyers: 200, quantity: 50, countdownSeconds: 3, jitterMs: 200, firstBuyer: 8_100_000 }),
      );
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
      // The peer design under the same closed loop: its placed orders/s while stock lasts.
      'peer: row lock': bare(peer.url),
    };
    // The skeletons have no sold-out board, so after sell-out they would measure something else.
    const inPhase = (path: string, pool: 'big' | 'small') => !(path.startsWith('floor') || path.startsWith('peer')) || pool === 'big';
    await db.query(`INSERT INTO ${iso.id}_peer.stock (pool_id, quantity, per_buyer_limit) VALUES ('big', 1000000, 1000000)`);

    const results: { phase: string; path: string; r: LoadResult; cores: Record<string, number> }[] = [];
    const pids = {
      load: process.pid,
      baseline: baseline.pid,
      gateway: gateway.child.pid,
      order: order.child.pid,
      inventory: inventory.child.pid,
      ...floors.threeHops.pids,
      ...floors.twoHops.pids,
      peer: peer.pid,
      redis: redisServer.child.pid,
      nats: natsServer.child.pid,
    };
    // Postgres is shared with other work on this machine: its column counts every backend.
    const cpuNow = () => cpuSeconds(pids, ['postgres']);
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
        'x row-lock peer': (() => {
          const peerRow = results.find((x) => x.phase === phase && x.path === 'peer: row lock');
          return peerRow ? (r.perSecond / peerRow.r.perSecond).toFixed(2) : '';
        })(),
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
    if (burstRows.length) {
      console.log(`\ncold burst — ${BURST.buyers} distinct new buyers at ${BURST.rate}/s offered (open model) on a fresh pool of ${BURST.quantity} units, limit ${BURST.limit}, one in ${BURST.bigEvery} asking 2; winners pay at once, ${BURST.cancelShare * 100}% cancel; latency from each request's scheduled send; per second of the sale`);
      console.table(burstRows);
      console.log('cold burst — whole sale (CPU: the path\'s processes, its Redis/NATS and its Postgres backends; the load generator excluded)');
      console.table(burstSummary);
    }
    if (socketRow) {
      console.log('\nlive room — 200 buyers on open sockets tap order:place as a 3 s countdown ends (within 200 ms), 50 units, one each; latency from emit to ack');
      console.table([socketRow]);
    }
    console.log(`\nreservation benchmark — one hot pool, ${LOAD_SHAPE}, ${SECONDS} s per row after ${WARMUP_SECONDS} s of warm-up, this machine`);
    console.table(rows);
  } finally {
    for (const p of [gateway, liveRoom, order, fulfillment, inventory]) p.child.kill('SIGTERM');
    await floors.stop();
    await peer.stop();
    await db.end();
    baseline.kill('SIGTERM');
    await Promise.all([gateway, liveRoom, order, fulfillment, inventory].map((p) => p.exited));
    await iso.cleanup();
    redisServer.stop();
    natsServer.stop();
    agent.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
