// Transactional outbox: `enqueueEvent` inside the state change's transaction; `OutboxRelay`
// publishes committed rows to JetStream and deletes them. A crash between publish and delete
// re-sends, which JetStream's duplicate window (same msg id) and idempotent consumers absorb.
// The relay polls rather than LISTENs: a NOTIFY in the writing transaction would take Postgres'
// global notify lock at every commit and serialise the flash-sale hot path. It polls fast only
// while this process is writing events (every write wakes it); otherwise once a second, for rows
// another replica left behind. Polling 20 times a second in every service made most of an idle
// platform's CPU, in Node and in Postgres.
import type pg from 'pg';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import { captureTraceContext } from './trace-context.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

export async function enqueueEvent(client: Queryable, subject: string, payload: unknown, msgId: string): Promise<void> {
  await client.query('INSERT INTO outbox (subject, msg_id, payload, trace) VALUES ($1, $2, $3, $4)', outboxValues(subject, payload, msgId));
}

/** This process's relays, woken whenever it writes an outbox row. */
const relaysToWake = new Set<OutboxRelay>();

/**
 * An outbox row's values (subject, msg_id, payload, trace), for statements that write a state
 * change and its event in one go. Every outbox write in the code base goes through here.
 */
export function outboxValues(subject: string, payload: unknown, msgId: string): [string, string, string, string] {
  for (const relay of relaysToWake) relay.wake();
  return [subject, msgId, JSON.stringify(payload), JSON.stringify(captureTraceContext())];
}

export interface RelayCadence {
  /** Between passes while events are being written. */
  busyPollMs: number;
  /** How long after the last write (or the last pass that found rows) the relay stays busy. */
  busyForMs: number;
  /** Between passes otherwise: rows a replica that died left behind wait at most this long. */
  idlePollMs: number;
}

const DEFAULT_CADENCE: RelayCadence = { busyPollMs: 50, busyForMs: 2000, idlePollMs: 1000 };

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private busyUntil = 0;
  private readonly cadence: RelayCadence;

  constructor(
    private readonly pool: pg.Pool,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    cadence: Partial<RelayCadence> = {},
  ) {
    this.cadence = { ...DEFAULT_CADENCE, ...cadence };
  }

  async start(): Promise<void> {
    relaysToWake.add(this);
    this.tick();
  }

  /** Events are being written: poll at the busy cadence for a while (the rows commit shortly). */
  wake(): void {
    const wasIdle = Date.now() >= this.busyUntil;
    this.busyUntil = Date.now() + this.cadence.busyForMs;
    if (wasIdle && !this.stopped) this.schedule(this.cadence.busyPollMs);
  }

  private tick(): void {
    this.kick();
    this.schedule(Date.now() < this.busyUntil ? this.cadence.busyPollMs : this.cadence.idlePollMs);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => this.tick(), delayMs);
  }

  /** Publishes what is pending now; concurrent kicks coalesce into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drainOnce()
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'outbox relay pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drainOnce(): Promise<void> {
    // Most polls find nothing: one plain read says so, instead of a connection checkout and a
    // transaction of three statements (that idle cost ran in every service, 20 times a second).
    const { rowCount } = await this.pool.query('SELECT 1 FROM outbox LIMIT 1');
    if (!rowCount) return;
    for (;;) {
      const client = await this.pool.connect();
      let count = 0;
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; subject: string; msg_id: string; payload: unknown; trace: Record<string, string> }>(
          'SELECT id, subject, msg_id, payload, trace FROM outbox ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED',
        );
        count = rows.length;
        // Rows this process did not announce (another replica's leftovers): more may follow.
        if (count) this.busyUntil = Date.now() + this.cadence.busyForMs;
        // Issued together, so they leave in one write and their acks come back together; NATS
        // keeps the order of one connection's messages, so the stream still gets them in order.
        await Promise.all(rows.map((row) => this.bus.publish(row.subject, row.payload, row.msg_id, row.trace)));
        if (rows.length) await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      if (count < 200) return;
    }
  }

  /** Stops polling after publishing what is already committed. */
  async stop(): Promise<void> {
    this.stopped = true;
    relaysToWake.delete(this);
    clearTimeout(this.timer);
    await this.running;
    this.stopped = false;
    await this.drainOnce().catch(() => undefined);
    this.stopped = true;
  }
}
