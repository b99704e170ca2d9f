// Gives each test its own Postgres schemas, Redis key prefix and NATS stream names, and removes
// them afterwards, so tests run in parallel and repeatedly against the shared servers.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { connect } from 'nats';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export interface Isolation {
  id: string;
  env(service: string): Record<string, string>;
  cleanup(): Promise<void>;
}

export function isolate(): Isolation {
  const id = `t${randomBytes(4).toString('hex')}`;
  const schemas = new Set<string>();
  return {
    id,
    env(service) {
      const schema = `${id}_${service.replace(/-/g, '_')}`;
      schemas.add(schema);
      return {
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL,
        REDIS_URL,
        NATS_URL,
        DB_SCHEMA: schema,
        REDIS_PREFIX: `${id}:`,
        EVENT_PREFIX: id,
      };
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${id}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      const nc = await connect({ servers: NATS_URL });
      const jsm = await nc.jetstreamManager();
      for await (const stream of jsm.streams.list()) {
        if (stream.config.name.startsWith(`${id.toUpperCase()}_`)) await jsm.streams.delete(stream.config.name);
      }
      await nc.close();
    },
  };
}
