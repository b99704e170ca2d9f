// Puts dead letters back on their original subject once whatever failed them is fixed. Each is
// published with a message id of its own (the original id would be swallowed as a duplicate if
// still inside the window) that is the same on every attempt for that dead letter, so a replay
// interrupted between publishing and deleting publishes it only once when run again. Every
// consumer of the subject sees it again; consumers are idempotent, as redelivery already demands.
import { headers as natsHeaders, type StoredMsg } from 'nats';
import { DEAD_LETTER } from './dead-letter-format.js';
import type { EventBus, StreamKey } from './events.js';

export interface DeadLetterQuery {
  stream: StreamKey;
  /** Only this consumer's dead letters (its durable name without the event prefix). */
  consumer?: string;
  /** At most this many, oldest first. */
  limit?: number;
}

export interface DeadLetter {
  dlqSeq: number;
  /** The original subject, without the event prefix. */
  subject: string;
  stream: string;
  seq: number;
  consumer: string;
  deliveries: number;
  reason: string;
  error: string;
  deadLetteredAt: string;
  /** The original's own headers (trace context), carried on to the replay. */
  headers: Record<string, string>;
}

export interface ReplayOutcome extends DeadLetter {
  replayed: boolean;
  /** Where the replayed message landed in its stream. */
  newSeq?: number;
  failure?: string;
}

const CONSUMER_NAME = /^[A-Za-z0-9_-]+$/;

/** The dead letters matching `query`, oldest first, without changing anything. */
export async function listDeadLetters(bus: EventBus, query: DeadLetterQuery): Promise<DeadLetter[]> {
  const found: DeadLetter[] = [];
  for await (const stored of walk(bus, query)) found.push(describe(bus, stored));
  return found;
}

/** Republishes each matching dead letter to its original subject, then removes it from the DLQ. */
export async function replayDeadLetters(bus: EventBus, query: DeadLetterQuery): Promise<ReplayOutcome[]> {
  const jsm = await bus.nc.jetstreamManager();
  const dlq = bus.streamName(DEAD_LETTER.stream);
  const outcomes: ReplayOutcome[] = [];
  for await (const stored of walk(bus, query)) {
    const letter = describe(bus, stored);
    const original = stored.header.get(DEAD_LETTER.headers.subject);
    try {
      if (!original || (bus.prefix && !original.startsWith(`${bus.prefix}.`))) throw new Error(`no original subject of this deployment (${original || 'none'})`);
      const headers = natsHeaders();
      for (const [key, value] of Object.entries(letter.headers)) headers.set(key, value);
      headers.set(DEAD_LETTER.replayedFrom, `${dlq}:${stored.seq}`);
      const msgID = `replay:${letter.stream}:${letter.seq}:${letter.consumer}:${dlq}:${stored.seq}`;
      const ack = await bus.js.publish(original, stored.data, { msgID, headers, timeout: 5000 });
      await jsm.streams.deleteMessage(dlq, stored.seq, false);
      outcomes.push({ ...letter, replayed: true, newSeq: ack.seq });
    } catch (error) {
      outcomes.push({ ...letter, replayed: false, failure: (error as Error).message });
    }
  }
  return outcomes;
}

/** nats.js 2.x has the direct-get API at runtime (`jsm.direct`) but does not export its type. */
interface WithDirectGet {
  direct: { getMessage(stream: string, query: { seq: number; next_by_subj: string }): Promise<StoredMsg> };
}

async function* walk(bus: EventBus, query: DeadLetterQuery): AsyncGenerator<StoredMsg> {
  if (query.consumer !== undefined && !CONSUMER_NAME.test(query.consumer)) throw new Error(`consumer must match ${CONSUMER_NAME} (got ${JSON.stringify(query.consumer)})`);
  const { direct } = (await bus.nc.jetstreamManager()) as unknown as WithDirectGet;
  const dlq = bus.streamName(DEAD_LETTER.stream);
  const filter = bus.subject(`dlq.${query.stream}.${query.consumer ?? '*'}.>`);
  const limit = query.limit ?? Infinity;
  let cursor = 1;
  for (let count = 0; count < limit; count++) {
    let stored: StoredMsg;
    try {
      stored = await direct.getMessage(dlq, { seq: cursor, next_by_subj: filter });
    } catch (error) {
      if (String((error as { code?: unknown }).code) === '404') return;
      throw error;
    }
    cursor = stored.seq + 1;
    yield stored;
  }
}

function describe(bus: EventBus, stored: StoredMsg): DeadLetter {
  const h = (name: string) => stored.header.get(name);
  const dl = DEAD_LETTER.headers;
  const subject = h(dl.subject);
  const consumer = h(dl.consumer);
  const headers: Record<string, string> = {};
  for (const key of stored.header.keys()) if (!key.startsWith('Lc-Dlq-') && !key.startsWith('Nats-')) headers[key] = h(key);
  return {
    dlqSeq: stored.seq,
    subject: bus.prefix && subject.startsWith(`${bus.prefix}.`) ? subject.slice(bus.prefix.length + 1) : subject,
    stream: h(dl.stream),
    seq: Number(h(dl.seq)),
    consumer: bus.prefix && consumer.startsWith(`${bus.prefix}_`) ? consumer.slice(bus.prefix.length + 1) : consumer,
    deliveries: Number(h(dl.deliveries)),
    reason: h(dl.reason),
    error: h(dl.error),
    deadLetteredAt: h(dl.at),
    headers,
  };
}
