// Postgres pool bound to one service schema, and that schema's SQL migrations (node-pg-migrate).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// bigint counts (SUM, COUNT) arrive as strings by default; every count here fits a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Connections a flash-sale hot-path service keeps open: what a cold burst opened on demand (6–9). */
export const HOT_PATH_CONNECTIONS = 8;

export interface PoolSize {
  max?: number;
  /** Connections kept open however long they sit idle (see `openConnections`). */
  keepOpen?: number;
  /** How long a connection beyond `keepOpen` may sit idle before it is closed. */
  idleTimeoutMs?: number;
}

export function createPool(url: string, schema: string, { max = 10, keepOpen = 0, idleTimeoutMs = 30_000 }: PoolSize = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    min: Math.min(keepOpen, max),
    options: `-c search_path=${schema},public`,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: idleTimeoutMs,
  });
  // An idle client losing its connection (e.g. Postgres restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens `count` connections now and leaves them idle in the pool. A hot path's first second
 * should not pay for connecting: in a cold flash-sale burst the order and inventory pools each
 * opened 6–9 backends (fork, authentication, catalog caches) while the first buyers waited.
 */
export async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query('SELECT 1')));
  } finally {
    for (const c of clients) c.release();
  }
}

export async function migrate(pool: pg.Pool, schema: string, dirs: string[], logger: Logger): Promise<void> {
  const client = await pool.connect();
  // Replicas of a service start together (a rollout, a burst test): each waits its turn on one
  // lock per schema and then finds nothing left to run, where the migrator's own try-lock made all
  // but the first exit with "Another migration is already running".
  const lockKey = Number.parseInt(createHash('sha1').update(schema).digest('hex').slice(0, 12), 16);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await runner({
      dbClient: client,
      // Globs let several folders (the kit's outbox and the service's own) form one sequence.
      dir: dirs.map((d) => `${d}/*.sql`),
      useGlob: true,
      direction: 'up',
      schema,
      migrationsTable: 'schema_migrations',
      count: Infinity,
      noLock: true,
      log: (msg) => logger.debug({ msg }, 'migration'),
      logger: { debug: () => undefined, info: () => undefined, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    client.release();
  }
}

/** Runs `work` in a transaction; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
