// The floor of the hot path on this machine, for `npm run bench`: skeletons of the flash-sale path
// with only its hops, its reserve Lua step and its Postgres writes, batched as the services batch,
// and nothing else (no auth, validation, protobuf, telemetry, outbox relay, replays or leader
// binding). What a skeleton reaches bounds what the real path with the same hops can reach here.
// - three hops: HTTP edge → order → inventory; inventory writes the holds, order the orders with
//   their outbox rows (the path ARCHITECTURE.md lays down);
// - two hops: HTTP edge → one service that runs the Lua step and writes holds, orders and outbox
//   rows in one statement (what merging reservation into order placement would leave).
// Run as `node hot-path-floor.ts <role>` by `startFloors`; each role prints its port.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { Redis } from 'ioredis';
import { Batcher } from '../packages/kit/src/batcher.js';
import { HotPools } from '../services/inventory/src/adapters/hot-pool.js';

export interface Attempt {
  poolId: string;
  buyerId: string;
  key: string;
  /** Units asked for (1 unless the cold burst asks for more). */
  qty?: number;
}
/** Paying (CONFIRM) or cancelling (RELEASE) a placed order, as the cold burst's winners do. */
export interface Settlement {
  poolId: string;
  orderId: string;
  holdId: string;
  action: 'CONFIRM' | 'RELEASE';
}
type Hold = { holdId: string; expiresAtMs: number } | null;
type Placed = { orderId: string; holdId: string } | null;

const frames = { serialize: (v: unknown) => Buffer.from(JSON.stringify(v)), deserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown };
const RESERVE = '/floor.Inventory/ReserveBatch';
const PLACE = '/floor.Order/PlaceBatch';
const SETTLE_HOLDS = '/floor.Inventory/SettleBatch';
const SETTLE_ORDERS = '/floor.Order/SettleBatch';

function serveBatch(handlers: Record<string, (items: any[]) => Promise<unknown[]>>): Promise<number> {
  const server = new grpc.Server();
  const definition: Record<string, unknown> = {};
  const implementation: Record<string, grpc.handleUnaryCall<unknown[], unknown[]>> = {};
  for (const [path, handle] of Object.entries(handlers)) {
    const name = path.replace(/\W/g, '_');
    definition[name] = { path, requestStream: false, responseStream: false, requestSerialize: frames.serialize, requestDeserialize: frames.deserialize, responseSerialize: frames.serialize, responseDeserialize: frames.deserialize };
    implementation[name] = (call, done) => {
      handle(call.request).then((r) => done(null, r), (e: Error) => done(e));
    };
  }
  server.addService(definition as unknown as grpc.ServiceDefinition, implementation);
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) => (e ? reject(e) : resolve(port))));
}

function callBatch<Req, Res>(addr: string, path: string): (items: Req[]) => Promise<Res[]> {
  const client = new grpc.Client(addr, grpc.credentials.createInsecure());
  return (items) => new Promise((resolve, reject) => client.makeUnaryRequest(path, frames.serialize, frames.deserialize, items, (e, r) => (e ? reject(e) : resolve(r as Res[]))));
}

const env = (name: string) => process.env[name] ?? '';
const db = () => new pg.Pool({ connectionString: env('DATABASE_URL'), max: 8, options: `-c search_path=${env('FLOOR_SCHEMA')}` });
// Auto-pipelined, as inventory's client is: a batch's Lua steps leave in one write.
const hotPools = () => new HotPools(new Redis(env('REDIS_URL'), { enableAutoPipelining: true }), env('REDIS_PREFIX'));

/** The Lua step for each attempt of a batch (sent together, as inventory sends them). */
async function reserveAll(pools: HotPools, attempts: Attempt[]) {
  const now = Date.now();
  return Promise.all(
    attempts.map(async (a) => {
      const holdId = randomUUID();
      const qty = a.qty ?? 1;
      const r = await pools.reserve(a.poolId, { buyerId: a.buyerId, qty, key: a.key, holdId, expiresAtMs: now + 600_000, nowMs: now });
      return r.kind === 'RESERVED' ? { ...a, qty, holdId, expiresAtMs: r.expiresAtMs } : null;
    }),
  );
}

const holdsInsert = `INSERT INTO holds (id, pool_id, buyer_id, key, qty, expires_at)
  SELECT "holdId", "poolId", "buyerId", key, qty, to_timestamp("expiresAtMs" / 1000.0) FROM input`;
const ordersInsert = `placed AS (INSERT INTO orders (id, buyer_id, key, hold_id, total_fen, status, payment_deadline)
    SELECT "orderId", "buyerId", key, "holdId", 990 * qty, 'PENDING_PAYMENT', to_timestamp("expiresAtMs" / 1000.0) FROM input RETURNING id),
  queued AS (INSERT INTO outbox (subject, msg_id, payload) SELECT 'order.created', id::text, jsonb_build_object('orderId', id) FROM placed)`;
const input = `input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("orderId" uuid, "holdId" uuid, "poolId" text, "buyerId" text, key text, qty int, "expiresAtMs" bigint))`;

// Paying or cancelling: Postgres moves the hold, Redis mirrors it (as inventory settles), and the
// order moves with its outbox row.
const settled = `settled AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x("orderId" uuid, "holdId" uuid, action text))`;
const holdsSettle = `UPDATE holds h SET status = CASE s.action WHEN 'CONFIRM' THEN 'CONFIRMED' ELSE 'RELEASED' END
  FROM settled s WHERE h.id = s."holdId" AND h.status = 'HELD'`;
const ordersSettle = `moved AS (UPDATE orders o SET status = CASE s.action WHEN 'CONFIRM' THEN 'PAID' ELSE 'CANCELLED' END
    FROM settled s WHERE o.id = s."orderId" AND o.status = 'PENDING_PAYMENT' RETURNING o.id, o.status),
  queued AS (INSERT INTO outbox (subject, msg_id, payload) SELECT 'order.' || lower(status), id::text, jsonb_build_object('orderId', id) FROM moved)`;

const roles: Record<string, () => Promise<number>> = {
  async inventory() {
    const pools = hotPools();
    const pool = db();
    return serveBatch({
      [RESERVE]: async (attempts: Attempt[]): Promise<Hold[]> => {
        const holds = await reserveAll(pools, attempts);
        const won = holds.filter((h) => h);
        if (won.length) await pool.query({ name: 'holds', text: `WITH ${input} ${holdsInsert}`, values: [JSON.stringify(won)] });
        return holds.map((h) => (h ? { holdId: h.holdId, expiresAtMs: h.expiresAtMs } : null));
      },
      [SETTLE_HOLDS]: async (items: Settlement[]) => {
        await pool.query({ name: 'settle-holds', text: `WITH ${settled} ${holdsSettle}`, values: [JSON.stringify(items)] });
        await Promise.all(items.map((i) => pools.settle(i.poolId, i.holdId, i.action)));
        return items.map(() => true);
      },
    });
  },
  async order() {
    const reserve = callBatch<Attempt, Hold>(env('INVENTORY_ADDR'), RESERVE);
    const settleHolds = callBatch<Settlement, boolean>(env('INVENTORY_ADDR'), SETTLE_HOLDS);
    const pool = db();
    return serveBatch({
      [PLACE]: async (attempts: Attempt[]): Promise<Placed[]> => {
        const holds = await reserve(attempts);
        const orders = attempts.map((a, i) => (holds[i] ? { ...a, qty: a.qty ?? 1, ...holds[i], orderId: randomUUID() } : null));
        const won = orders.filter((o) => o);
        if (won.length) await pool.query({ name: 'orders', text: `WITH ${input}, ${ordersInsert} SELECT 1`, values: [JSON.stringify(won)] });
        return orders.map((o) => (o ? { orderId: o.orderId, holdId: o.holdId } : null));
      },
      [SETTLE_ORDERS]: async (items: Settlement[]) => {
        await settleHolds(items);
        await pool.query({ name: 'settle-orders', text: `WITH ${settled}, ${ordersSettle} SELECT 1`, values: [JSON.stringify(items)] });
        return items.map(() => true);
      },
    });
  },
  async combined() {
    const pools = hotPools();
    const pool = db();
    return serveBatch({
      [PLACE]: async (attempts: Attempt[]): Promise<Placed[]> => {
        const orders = (await reserveAll(pools, attempts)).map((h) => (h ? { ...h, orderId: randomUUID() } : null));
        const won = orders.filter((o) => o);
        if (won.length) await pool.query({ name: 'both', text: `WITH ${input}, ${ordersInsert}, held AS (${holdsInsert}) SELECT 1`, values: [JSON.stringify(won)] });
        return orders.map((o) => (o ? { orderId: o.orderId, holdId: o.holdId } : null));
      },
    });
  },
  async edge() {
    const place = new Batcher<Attempt, Placed>(callBatch<Attempt, Placed>(env('PLACE_ADDR'), PLACE), { name: 'place' });
    const settle = new Batcher<Settlement, boolean>(callBatch<Settlement, boolean>(env('PLACE_ADDR'), SETTLE_ORDERS), { name: 'settle' });
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        // POST / places; POST /settle pays or cancels (the cold burst's winners).
        if (req.url === '/settle') {
          settle.add(JSON.parse(body) as Settlement).then(
            () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
            (e: Error) => res.writeHead(500).end(e.message),
          );
          return;
        }
        place.add(JSON.parse(body) as Attempt).then(
          (placed) => res.writeHead(placed ? 201 : 409, { 'content-type': 'application/json' }).end(JSON.stringify(placed ?? { code: 'SOLD_OUT' })),
          (e: Error) => res.writeHead(500).end(e.message),
        );
      });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  },
};

function startRole(role: string, extra: Record<string, string>) {
  // Postgres backends named after the role, so the cold burst can charge the skeleton its own.
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, role], {
    env: { ...process.env, ...extra, PGAPPNAME: `${extra.FLOOR_SCHEMA ?? 'floor'}-${role}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise<{ pid: number; port: number; child: typeof child }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`floor ${role} exited with ${code}`)));
    child.stdout.once('data', (d) => resolve({ pid: child.pid!, port: Number(String(d).trim()), child }));
  });
}

export interface Floor {
  url: string;
  /** The skeleton's processes by label, for the bench's busy-cores column. */
  pids: Record<string, number>;
}

/**
 * Creates the skeletons' tables in `schema` and starts both skeletons against the Redis keys
 * under `redisPrefix` (whose pools the caller loads).
 */
export async function startFloors(databaseUrl: string, redisUrl: string, schema: string, redisPrefix: string) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema};
    CREATE TABLE ${schema}.holds (id uuid PRIMARY KEY, pool_id text NOT NULL, buyer_id text NOT NULL, key text NOT NULL UNIQUE, qty int NOT NULL,
      expires_at timestamptz NOT NULL, status text NOT NULL DEFAULT 'HELD');
    CREATE TABLE ${schema}.orders (id uuid PRIMARY KEY, buyer_id text NOT NULL, key text NOT NULL, hold_id uuid NOT NULL, total_fen bigint NOT NULL,
      status text NOT NULL, payment_deadline timestamptz NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (buyer_id, key));
    CREATE TABLE ${schema}.outbox (id bigserial PRIMARY KEY, subject text NOT NULL, msg_id text NOT NULL, payload jsonb NOT NULL)`);
  await admin.end();
  const shared = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, FLOOR_SCHEMA: schema, REDIS_PREFIX: redisPrefix };
  const inventory = await startRole('inventory', shared);
  const order = await startRole('order', { ...shared, INVENTORY_ADDR: `127.0.0.1:${inventory.port}` });
  const edge3 = await startRole('edge', { PLACE_ADDR: `127.0.0.1:${order.port}` });
  const combined = await startRole('combined', shared);
  const edge2 = await startRole('edge', { PLACE_ADDR: `127.0.0.1:${combined.port}` });
  const all = [inventory, order, edge3, combined, edge2];
  return {
    threeHops: { url: `http://127.0.0.1:${edge3.port}/`, pids: { '3-hop edge': edge3.pid, '3-hop order': order.pid, '3-hop inventory': inventory.pid } } satisfies Floor,
    twoHops: { url: `http://127.0.0.1:${edge2.port}/`, pids: { '2-hop edge': edge2.pid, '2-hop order+inventory': combined.pid } } satisfies Floor,
    async stop() {
      for (const p of all) p.child.removeAllListeners('exit').kill('SIGTERM');
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

const role = process.argv[2];
if (role && import.meta.filename === process.argv[1] && roles[role]) {
  const port = await roles[role]!();
  process.stdout.write(`${port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}
