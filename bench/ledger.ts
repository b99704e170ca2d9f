// `npm run bench:ledger`: how fast the leader service's ledger consumer absorbs a flash-sale burst
// of paid orders, as a ratio to raw Postgres inserts measured in the same run. Inventory (for the
// SKU's category) and the leader service run as their own processes, as in production; the bench
// publishes order.paid events on NATS as the order service does.
//   - paced burst: BENCH_ORDERS (2,000) paid orders spread over BENCH_BURST_SECONDS (5 s); lag is
//     an entry's commit-transaction start minus its event's publish time (p50/p99/max);
//   - capacity: the same number published at once; events/s from the first publish to the last
//     entry written;
//   - raw inserts: the same number of single-row INSERTs (autocommit), 32 in flight over a pool of
//     10 connections (the leader service's pool and parallelism), and one at a time.
// Target (issue 15): capacity ≥ 0.3× raw inserts (pooled), p99 lag ≤ 2 s.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { EventBus, RpcClient, createLogger } from '@lc/kit';
import { InventoryServiceClient } from '@lc/contracts';
import { ensureBackingServices } from '../scripts/backing-services.js';
import { DATABASE_URL, NATS_URL, isolate } from '../test-support/isolation.js';
import { spawnService, type ServiceProcess } from '../test-support/platform.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 2000);
const BURST_SECONDS = Number(process.env.BENCH_BURST_SECONDS ?? 5);
const IN_FLIGHT = 32;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rawInserts(schema: string, n: number, connections: number, inFlight: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: connections });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${schema}.raw_inserts (id bigserial PRIMARY KEY, order_id text NOT NULL, amount_fen bigint NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
  await pool.query(`TRUNCATE ${schema}.raw_inserts`);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        next++;
        await pool.query(`INSERT INTO ${schema}.raw_inserts (order_id, amount_fen) VALUES ($1, $2)`, [randomUUID(), 100]);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return n / seconds;
}

async function main() {
  await ensureBackingServices(() => undefined);
  const iso = isolate();
  const children: ServiceProcess[] = [];
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const bus = await EventBus.connect(NATS_URL, iso.id, createLogger('bench', 'silent'), 'bench');
  try {
    const inventory = await spawnService('inventory', iso.env('inventory'));
    children.push(inventory);
    const leader = await spawnService('leader', { ...iso.env('leader'), INVENTORY_ADDR: `127.0.0.1:${inventory.grpcPort}`, JOBS_INTERVAL_MS: '0' });
    children.push(leader);
    const catalog = new RpcClient(InventoryServiceClient, `127.0.0.1:${inventory.grpcPort}`);
    const { product } = await catalog.call((c) => c.createProduct, {
      name: '草莓 strawberries', description: '', imageUrls: [], createdBy: 'bench', warehouseId: '', ownerLeaderId: 'leader-1', category: 'fresh',
      skus: [{ name: 'box', listPriceFen: 2990, perBuyerLimit: 0, initialStock: 0 }],
    });
    catalog.close();
    const skuId = product!.skus[0]!.id;
    const schema = iso.env('leader').DB_SCHEMA!;

    const paid = (atMs: number) => {
      const orderId = randomUUID();
      return bus.publish('order.paid', { orderId, buyerId: `buyer-${Math.floor(Math.random() * 5000)}`, leaderId: `leader-${Math.floor(Math.random() * 20)}`, liveSessionId: '', flashSaleId: randomUUID(), skuId, warehouseId: 'wh-1', qty: 1, totalFen: 2990, status: 'PAID', atMs }, `order:${orderId}:PAID`);
    };
    const accrued = async () => Number((await db.query(`SELECT count(*) AS n FROM ${schema}.ledger_entries WHERE kind = 'ACCRUE'`)).rows[0].n);
    async function until(n: number) {
      const deadline = Date.now() + 120_000;
      while ((await accrued()) < n) {
        if (Date.now() > deadline) throw new Error(`the ledger took only ${await accrued()} of ${n} events in 120 s`);
        await sleep(50);
      }
    }

    // Warm-up: connections, the category cache, JIT.
    await Promise.all(Array.from({ length: 50 }, () => paid(Date.now())));
    await until(50);

    // Paced burst: ORDERS spread evenly over BURST_SECONDS, published in 10 ms ticks.
    const ticks = BURST_SECONDS * 100;
    const perTick = ORDERS / ticks;
    const burstStart = Date.now();
    let sent = 0;
    // Publishes are not awaited tick by tick, so a slow acknowledgement does not stretch the burst.
    const pacedPublishes: Promise<void>[] = [];
    for (let tick = 1; tick <= ticks; tick++) {
      const due = Math.round(perTick * tick);
      for (; sent < due; sent++) pacedPublishes.push(paid(Date.now()));
      const wait = burstStart + tick * 10 - Date.now();
      if (wait > 0) await sleep(wait);
    }
    const publishSeconds = (Date.now() - burstStart) / 1000;
    await Promise.all(pacedPublishes);
    await until(50 + ORDERS);
    const { rows: lagRows } = await db.query<{ lag: string }>(
      `SELECT extract(epoch from recorded_at - effective_at) * 1000 AS lag FROM ${schema}.ledger_entries WHERE kind = 'ACCRUE' ORDER BY id OFFSET 50`,
    );
    const lags = lagRows.map((r) => Number(r.lag)).sort((a, b) => a - b);
    const { rows: span } = await db.query<{ first: string; last: string }>(
      `SELECT (extract(epoch from min(effective_at)) * 1000)::bigint AS first, (extract(epoch from max(recorded_at)) * 1000)::bigint AS last FROM (SELECT * FROM ${schema}.ledger_entries WHERE kind = 'ACCRUE' ORDER BY id OFFSET 50) e`,
    );
    const pacedRate = ORDERS / ((Number(span[0]!.last) - Number(span[0]!.first)) / 1000);

    // Capacity: the same number at once.
    const capacityStart = Date.now();
    const inFlightPublishes: Promise<void>[] = [];
    for (let i = 0; i < ORDERS; i++) {
      inFlightPublishes.push(paid(Date.now()));
      if (inFlightPublishes.length >= 256) await Promise.all(inFlightPublishes.splice(0));
    }
    await Promise.all(inFlightPublishes);
    const capacityPublished = Date.now();
    await until(50 + 2 * ORDERS);
    const { rows: lastRow } = await db.query<{ last: string }>(`SELECT (extract(epoch from max(recorded_at)) * 1000)::bigint AS last FROM ${schema}.ledger_entries`);
    const capacity = ORDERS / ((Number(lastRow[0]!.last) - capacityStart) / 1000);

    const { rows: sums } = await db.query<{ s: string }>(
      `SELECT COALESCE(SUM(CASE WHEN credit_account = acct THEN amount_fen ELSE -amount_fen END), 0) AS s
       FROM ${schema}.ledger_entries, LATERAL (VALUES (credit_account), (debit_account)) a(acct)`,
    );

    const rawPooled = await rawInserts(schema, ORDERS, 10, IN_FLIGHT);
    const rawSerial = await rawInserts(schema, ORDERS, 1, 1);

    console.log(`ledger consumer, ${ORDERS} paid orders (published in ${publishSeconds.toFixed(2)} s paced; ${((capacityPublished - capacityStart) / 1000).toFixed(2)} s at once)`);
    console.table([
      { measure: 'paced burst: events/s absorbed', value: pacedRate.toFixed(0) },
      { measure: 'paced burst: lag p50 ms', value: percentile(lags, 50).toFixed(0) },
      { measure: 'paced burst: lag p99 ms', value: percentile(lags, 99).toFixed(0) },
      { measure: 'paced burst: lag max ms', value: lags.at(-1)!.toFixed(0) },
      { measure: 'capacity: events/s (all at once)', value: capacity.toFixed(0) },
      { measure: 'raw inserts/s (pool 10, 32 in flight)', value: rawPooled.toFixed(0) },
      { measure: 'raw inserts/s (one at a time)', value: rawSerial.toFixed(0) },
      { measure: 'capacity / raw pooled', value: (capacity / rawPooled).toFixed(2) },
      { measure: 'capacity / raw one at a time', value: (capacity / rawSerial).toFixed(2) },
      { measure: 'ledger sum over all accounts (fen)', value: sums[0]!.s },
    ]);
    const p99 = percentile(lags, 99);
    const ok = capacity / rawPooled >= 0.3 && p99 <= 2000;
    console.log(`target (≥ 0.3× raw pooled inserts, p99 lag ≤ 2 s): ${ok ? 'met' : 'NOT met'}`);
  } finally {
    await bus.drain();
    await db.end();
    for (const c of children.reverse()) {
      c.child.kill('SIGTERM');
      await c.exited;
    }
    await iso.cleanup();
  }
}

await main();
