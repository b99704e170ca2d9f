// The peer design for `npm run bench`: a flash-sale reservation as the open-source commerce cores
// do it (Saleor's select_for_update on Stock, Vendure's and Medusa's reservation under a row
// lock): one service, one Postgres transaction per attempt that locks the pool's stock row
// (`SELECT … FOR UPDATE`), checks availability and the buyer's limit, inserts the hold and the
// order with its outbox row, and moves the counters. Paying or cancelling locks the same row again.
// Same HTTP shape as the floor skeletons (POST / places, POST /settle pays or cancels), so the
// bench feeds it the same way. Run as `node row-lock-peer.ts`; prints its port.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';
import type { Attempt, Settlement } from './hot-path-floor.js';

type Answer = { status: number; body: unknown };

/** One attempt, one transaction: the stock row lock serialises every buyer of the pool. */
async function place(db: pg.Pool, a: Attempt): Promise<Answer> {
  const qty = a.qty ?? 1;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows: stock } = await client.query({ name: 'lock', text: 'SELECT quantity, held, sold, per_buyer_limit FROM stock WHERE pool_id = $1 FOR UPDATE', values: [a.poolId] });
    if (!stock[0]) throw new Error(`no pool ${a.poolId}`);
    // A repeated key answers with its first order (idempotency, as the real path honours it).
    const { rows: prior } = await client.query({ name: 'prior', text: 'SELECT id, hold_id FROM orders WHERE buyer_id = $1 AND key = $2', values: [a.buyerId, a.key] });
    if (prior[0]) {
      await client.query('COMMIT');
      return { status: 200, body: { orderId: prior[0].id, holdId: prior[0].hold_id } };
    }
    const { rows: mine } = await client.query({
      name: 'mine',
      text: `SELECT COALESCE(SUM(qty), 0)::int AS n FROM holds WHERE pool_id = $1 AND buyer_id = $2 AND status <> 'RELEASED'`,
      values: [a.poolId, a.buyerId],
    });
    const s = stock[0] as { quantity: number; held: number; sold: number; per_buyer_limit: number };
    const refusal = s.quantity - s.held - s.sold < qty ? 'SOLD_OUT' : mine[0].n + qty > s.per_buyer_limit ? 'LIMIT_REACHED' : undefined;
    if (refusal) {
      await client.query('ROLLBACK');
      return { status: 409, body: { code: refusal } };
    }
    const holdId = randomUUID();
    const orderId = randomUUID();
    await client.query({
      name: 'hold',
      text: `INSERT INTO holds (id, pool_id, buyer_id, key, qty, expires_at) VALUES ($1, $2, $3, $4, $5, now() + interval '10 minutes')`,
      values: [holdId, a.poolId, a.buyerId, a.key, qty],
    });
    await client.query({ name: 'count', text: 'UPDATE stock SET held = held + $2 WHERE pool_id = $1', values: [a.poolId, qty] });
    await client.query({
      name: 'order',
      text: `WITH placed AS (INSERT INTO orders (id, buyer_id, key, hold_id, qty, total_fen, status, payment_deadline)
               VALUES ($1, $2, $3, $4, $5, 990 * $5, 'PENDING_PAYMENT', now() + interval '10 minutes') RETURNING id)
             INSERT INTO outbox (subject, msg_id, payload) SELECT 'order.created', id::text, jsonb_build_object('orderId', id) FROM placed`,
      values: [orderId, a.buyerId, a.key, holdId, qty],
    });
    await client.query('COMMIT');
    return { status: 201, body: { orderId, holdId } };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

/** Paying confirms the hold, cancelling gives its units back: both under the stock row lock. */
async function settle(db: pg.Pool, s: Settlement): Promise<Answer> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query({ name: 'lock', text: 'SELECT quantity, held, sold, per_buyer_limit FROM stock WHERE pool_id = $1 FOR UPDATE', values: [s.poolId] });
    const confirm = s.action === 'CONFIRM';
    const { rows } = await client.query({
      name: 'settle-hold',
      text: `UPDATE holds SET status = $2 WHERE id = $1 AND status = 'HELD' RETURNING qty`,
      values: [s.holdId, confirm ? 'CONFIRMED' : 'RELEASED'],
    });
    if (rows[0]) {
      await client.query({
        name: 'settle-count',
        text: 'UPDATE stock SET held = held - $2, sold = sold + CASE WHEN $3 THEN $2 ELSE 0 END WHERE pool_id = $1',
        values: [s.poolId, rows[0].qty, confirm],
      });
      await client.query({
        name: 'settle-order',
        text: `WITH moved AS (UPDATE orders SET status = $2 WHERE id = $1 AND status = 'PENDING_PAYMENT' RETURNING id)
               INSERT INTO outbox (subject, msg_id, payload) SELECT $3, id::text, jsonb_build_object('orderId', id) FROM moved`,
        values: [s.orderId, confirm ? 'PAID' : 'CANCELLED', confirm ? 'order.paid' : 'order.cancelled'],
      });
    }
    await client.query('COMMIT');
    return { status: 200, body: {} };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

export const PEER_TABLES = (schema: string) => `CREATE SCHEMA ${schema};
  CREATE TABLE ${schema}.stock (pool_id text PRIMARY KEY, quantity int NOT NULL, held int NOT NULL DEFAULT 0, sold int NOT NULL DEFAULT 0, per_buyer_limit int NOT NULL);
  CREATE TABLE ${schema}.holds (id uuid PRIMARY KEY, pool_id text NOT NULL, buyer_id text NOT NULL, key text NOT NULL, qty int NOT NULL,
    expires_at timestamptz NOT NULL, status text NOT NULL DEFAULT 'HELD', UNIQUE (pool_id, key));
  CREATE INDEX ON ${schema}.holds (pool_id, buyer_id);
  CREATE TABLE ${schema}.orders (id uuid PRIMARY KEY, buyer_id text NOT NULL, key text NOT NULL, hold_id uuid NOT NULL, qty int NOT NULL, total_fen bigint NOT NULL,
    status text NOT NULL, payment_deadline timestamptz NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (buyer_id, key));
  CREATE TABLE ${schema}.outbox (id bigserial PRIMARY KEY, subject text NOT NULL, msg_id text NOT NULL, payload jsonb NOT NULL)`;

/** Creates the peer's tables in `schema` and starts it; `stop` drops the schema. */
export async function startRowLockPeer(databaseUrl: string, schema: string, appName: string) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(PEER_TABLES(schema));
  await admin.end();
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'serve'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PEER_SCHEMA: schema, PGAPPNAME: appName },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`row-lock peer exited with ${code}`)));
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid!,
    async stop() {
      child.removeAllListeners('exit').kill('SIGTERM');
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

if (process.argv[2] === 'serve' && import.meta.filename === process.argv[1]) {
  // As many connections as the real services' pools together, so the lock, not the pool, decides.
  const db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20, options: `-c search_path=${process.env.PEER_SCHEMA}` });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => {
      const parsed = JSON.parse(body) as Attempt & Settlement;
      (req.url === '/settle' ? settle(db, parsed) : place(db, parsed)).then(
        (a) => res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body)),
        (e: Error) => res.writeHead(500).end(e.message),
      );
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
  process.on('SIGTERM', () => process.exit(0));
}
