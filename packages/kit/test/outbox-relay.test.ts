// The outbox relay publishes what this process writes within its busy cadence, picks up rows it
// was not told about (another replica's) on its idle cadence, and otherwise leaves Postgres alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createLogger, createPool, enqueueEvent, EventBus, inTransaction, migrate, OutboxRelay, type Pool } from '@lc/kit';
import { isolate } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';

const kitMigrations = join(import.meta.dirname, '..', 'migrations');

describe('outbox relay cadence', () => {
  const iso = isolate();
  const env = iso.env('outbox');
  const logger = createLogger('outbox-test', 'silent');
  let pool: Pool;
  let bus: EventBus;
  let outboxReads = 0;

  before(async () => {
    pool = createPool(env.DATABASE_URL!, env.DB_SCHEMA!);
    await migrate(pool, env.DB_SCHEMA!, [kitMigrations], logger);
    // Counts the relay's reads of the outbox, the cost an idle service pays.
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    (pool as unknown as { query: typeof query }).query = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('FROM outbox')) outboxReads++;
      return query(...args);
    };
    bus = await EventBus.connect(env.NATS_URL!, env.EVENT_PREFIX!, logger, 'outbox-test');
    await bus.ensureStreams();
  });
  after(async () => {
    await bus.drain();
    await pool.end();
    await iso.cleanup();
  });

  const pending = async () => Number((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n);
  const published = async () => (await bus.nc.jetstreamManager().then((m) => m.streams.info(`${env.EVENT_PREFIX!.toUpperCase()}_ORDER`))).state.messages;
  // A row written without going through outboxValues, as another process's write looks to this one.
  const foreignRow = (id: string) => pool.query(`INSERT INTO outbox (subject, msg_id, payload) VALUES ('order.created', $1, '{}')`, [id]);

  it('an event this process writes is published at the busy cadence, though the idle one is a minute', async () => {
    const relay = new OutboxRelay(pool, bus, logger, { busyPollMs: 20, busyForMs: 500, idlePollMs: 60_000 });
    await relay.start();
    try {
      const before = await published();
      const t = performance.now();
      await inTransaction(pool, (client) => enqueueEvent(client, 'order.created', { id: 'o-1' }, 'o-1:created'));
      await poll('the event to be published', async () => ((await published()) === before + 1 ? true : undefined), 5000);
      assert.ok(performance.now() - t < 1000, `published after ${Math.round(performance.now() - t)} ms`);
      assert.equal(await pending(), 0);
      // Once the busy spell is over, a row nobody announced waits for the idle poll.
      await new Promise((r) => setTimeout(r, 800));
      await foreignRow('o-2:created');
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await pending(), 1, 'an idle relay does not poll at the busy cadence');
    } finally {
      await relay.stop();
    }
    assert.equal(await pending(), 0, 'stopping publishes what is committed');
  });

  it("another replica's rows are picked up on the idle cadence", async () => {
    const relay = new OutboxRelay(pool, bus, logger, { busyPollMs: 20, busyForMs: 200, idlePollMs: 300 });
    await relay.start();
    try {
      await foreignRow('o-3:created');
      await poll('the row to be published', async () => ((await pending()) === 0 ? true : undefined), 5000);
    } finally {
      await relay.stop();
    }
  });

  it('an idle relay reads the outbox about once a second, not twenty times', async () => {
    const relay = new OutboxRelay(pool, bus, logger);
    await relay.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      outboxReads = 0;
      await new Promise((r) => setTimeout(r, 3000));
      assert.ok(outboxReads <= 4, `${outboxReads} reads in 3 s`);
    } finally {
      await relay.stop();
    }
  });
});
