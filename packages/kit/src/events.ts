// JetStream helpers: streams, publishing with a message id (JetStream drops duplicates inside its
// window), and durable consumers with explicit ack, bounded batches and a dead-letter stream for
// what they cannot handle.
import { metrics } from '@opentelemetry/api';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  connect,
  headers as natsHeaders,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { SpanKind, captureTraceContext, inSpan, restoreTraceContext, type TraceCarrier } from './trace-context.js';
import { isDomainError, type ErrorCode } from './errors.js';
import type { Logger } from './logger.js';
import { DEAD_LETTER, deadLetterHeaders, deadLetterSubject, type DeadLetterReason } from './dead-letter-format.js';

export type { NatsConnection, JetStreamClient };

/** The platform's event streams; subjects are `<prefix><domain>.<entity>.<verb>`. */
export const STREAMS = {
  INVENTORY: ['inventory.>'],
  ORDER: ['order.>'],
  FULFILLMENT: ['fulfillment.>'],
  LEADER: ['leader.>'],
} as const;

export type StreamKey = keyof typeof STREAMS;

/** Deliveries a consumer tries before dead-lettering a message, unless it says otherwise. */
export const DEFAULT_MAX_DELIVER = 20;

/** Waits between deliveries: `firstMs` times the deliveries so far, at most `maxMs`. */
export interface RetryDelay {
  firstMs: number;
  maxMs: number;
}
const DEFAULT_RETRY_DELAY: RetryDelay = { firstMs: 1000, maxMs: 10_000 };

/** How long the server waits for an ack before it hands a message to another consumer. */
const DEFAULT_ACK_WAIT_MS = 30_000;

/** DomainErrors that say "not now" (a peer or backing service out of reach) rather than "never". */
const RETRIED_CODES = new Set<ErrorCode>(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL']);

interface ConsumerContext {
  stream: StreamKey;
  durable: string;
  maxDeliver: number;
  retryDelay: RetryDelay;
  ackWaitMs: number;
}

export class EventBus {
  // Made per bus rather than per module, so a meter provider registered before connecting counts.
  private readonly deadLettered = metrics.getMeter('@lc/kit').createCounter('events.dead_lettered', {
    description: 'Events a consumer gave up on and moved to the dead-letter stream',
    unit: '{message}',
  });

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  static async connect(url: string, prefix: string, logger: Logger, name: string): Promise<EventBus> {
    const nc = await connect({
      servers: url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: true,
      // Capturing a stack for every request (each JetStream publish is one) cost more than the
      // publish itself; errors still say which subject failed.
      noAsyncTraces: true,
    });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect') logger.warn({ nats: s.type }, 'nats connection');
      }
    })();
    return new EventBus(nc, nc.jetstream(), prefix, logger);
  }

  subject(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  streamName(name: StreamKey | typeof DEAD_LETTER.stream): string {
    return this.prefix ? `${this.prefix.toUpperCase()}_${name}` : name;
  }

  /** Creates or updates the platform's streams; idempotent, safe for every service to call. */
  async ensureStreams(): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    for (const [name, subjects] of Object.entries(STREAMS) as [keyof typeof STREAMS, readonly string[]][]) {
      const config = {
        name: this.streamName(name),
        subjects: subjects.map((s) => this.subject(s)),
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        duplicate_window: 2 * 60 * 1_000_000_000,
        max_age: 7 * 24 * 3600 * 1_000_000_000,
      };
      await upsertStream(config);
    }
    // Dead letters wait for an operator, so they outlive the events' week; direct gets let the
    // replay walk them by subject without a consumer.
    await upsertStream({
      name: this.streamName(DEAD_LETTER.stream),
      subjects: [this.subject('dlq.>')],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      duplicate_window: 2 * 60 * 1_000_000_000,
      max_age: DEAD_LETTER.maxAgeDays * 24 * 3600 * 1_000_000_000,
      allow_direct: true,
    });

    async function upsertStream(config: Parameters<typeof jsm.streams.add>[0] & { name: string }) {
      try {
        await jsm.streams.info(config.name);
        await jsm.streams.update(config.name, config);
      } catch {
        await jsm.streams.add(config);
      }
    }
  }

  /** Publishes once: a repeat with the same `msgId` inside the duplicate window is dropped. */
  async publish(name: string, payload: unknown, msgId: string, trace: TraceCarrier = captureTraceContext()): Promise<void> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(trace)) h.set(k, v);
    // nats.js can leave a publish issued during a reconnect unsettled; callers (the outbox relay,
    // stock publisher) must get an answer to retry, so the wait is bounded here too.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.js.publish(this.subject(name), JSON.stringify(payload), { msgID: msgId, headers: h, timeout: 5000 }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`publish ${name} unanswered`)), 6000);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A durable consumer. The handler's success acks; a failure is retried after a growing delay,
   * up to `maxDeliver` deliveries. Then, or at once for an unparsable message or a DomainError
   * that refuses it (not one that says "unavailable"), the message moves to the dead-letter stream
   * (dead-letter-replay.ts puts it back).
   */
  async consume<T>(options: {
    stream: StreamKey;
    durable: string;
    subjects: string[];
    handler: (event: T, meta: { subject: string; redelivered: boolean; seq: number }) => Promise<void>;
    batch?: number;
    /** Deliveries before dead-lettering (default 20). */
    maxDeliver?: number;
    retryDelay?: RetryDelay;
    /**
     * Handle up to `max` messages at once; messages with the same `key` (e.g. an order id) still
     * run one after another, in stream order. Without it, one message at a time.
     */
    parallel?: { max: number; key: (event: T, subject: string) => string };
    /** Ack wait (default 30 s); a message being handled is kept alive past it, see {@link keepAlive}. */
    ackWaitMs?: number;
  }): Promise<EventConsumer> {
    const jsm = await this.nc.jetstreamManager();
    const stream = this.streamName(options.stream);
    const durable = this.prefix ? `${this.prefix}_${options.durable}` : options.durable;
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      // The NATS here (2.9) knows one filter subject per consumer; with several, the consumer
      // takes the whole stream and the handler skips the rest.
      ...(options.subjects.length === 1 ? { filter_subject: this.subject(options.subjects[0]!) } : {}),
      ack_wait: (options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) * 1_000_000,
      // The server redelivers without limit: this side counts deliveries and ends each message
      // only once it is safely in the dead-letter stream, so a failed dead-letter publish (or a
      // crash on the last delivery) cannot make the server drop it.
      max_deliver: -1,
    });
    const consumer = await this.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: options.batch ?? 32 });
    const wanted = new Set(options.subjects.map((s) => this.subject(s)));
    const matches = (subject: string) =>
      [...wanted].some((w) => w === subject || (w.endsWith('.>') && subject.startsWith(w.slice(0, -1))));
    const context: ConsumerContext = {
      stream: options.stream,
      durable: options.durable,
      maxDeliver: options.maxDeliver ?? DEFAULT_MAX_DELIVER,
      retryDelay: options.retryDelay ?? DEFAULT_RETRY_DELAY,
      ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
    };
    const { parallel } = options;
    const done = (async () => {
      if (!parallel) {
        for await (const msg of messages) {
          if (options.subjects.length > 1 && !matches(msg.subject)) msg.ack();
          else await keepAlive(msg, context.ackWaitMs, () => this.handle(msg, options.handler, context));
        }
        return;
      }
      // Per-key chains: a message waits for the one before it with the same key, and at most
      // `max` messages are in flight.
      const chains = new Map<string, Promise<void>>();
      const inFlight = new Set<Promise<void>>();
      for await (const msg of messages) {
        if (options.subjects.length > 1 && !matches(msg.subject)) {
          msg.ack();
          continue;
        }
        while (inFlight.size >= parallel.max) await Promise.race(inFlight);
        let key = '';
        try {
          const subject = this.prefix ? msg.subject.slice(this.prefix.length + 1) : msg.subject;
          key = parallel.key(JSON.parse(new TextDecoder().decode(msg.data)) as T, subject);
        } catch {
          // unparsable: handle() dead-letters it
        }
        // Kept alive from here: waiting behind its key counts against the ack wait too.
        const before = chains.get(key) ?? Promise.resolve();
        const run: Promise<void> = keepAlive(msg, context.ackWaitMs, () => before.then(() => this.handle(msg, options.handler, context)));
        chains.set(key, run);
        inFlight.add(run);
        void run.finally(() => {
          inFlight.delete(run);
          if (chains.get(key) === run) chains.delete(key);
        });
      }
      await Promise.all(inFlight);
    })();
    return new EventConsumer(messages, done);
  }

  private async handle<T>(
    msg: JsMsg,
    handler: (event: T, meta: { subject: string; redelivered: boolean; seq: number }) => Promise<void>,
    context: ConsumerContext,
  ) {
    let event: T;
    try {
      event = JSON.parse(new TextDecoder().decode(msg.data)) as T;
    } catch (error) {
      await this.deadLetter(msg, context, 'unparsable', (error as Error).message);
      return;
    }
    const carrier: TraceCarrier = {};
    for (const key of msg.headers?.keys() ?? []) carrier[key] = msg.headers?.get(key) ?? '';
    const subject = this.prefix ? msg.subject.slice(this.prefix.length + 1) : msg.subject;
    try {
      await inSpan(`${subject} process`, SpanKind.CONSUMER, restoreTraceContext(carrier), { 'messaging.system': 'nats', 'messaging.destination.name': subject }, () =>
        handler(event, { subject, redelivered: msg.redelivered, seq: msg.seq }),
      );
      msg.ack();
    } catch (error) {
      const deliveries = msg.info.deliveryCount;
      if (isDomainError(error) && !RETRIED_CODES.has(error.code)) {
        await this.deadLetter(msg, context, 'refused', `${error.code}: ${error.message}`);
      } else if (deliveries >= context.maxDeliver) {
        await this.deadLetter(msg, context, 'max-deliveries', error instanceof Error ? error.message : String(error));
      } else {
        this.logger.warn({ subject, seq: msg.seq, deliveries, err: error }, 'event handling failed, will retry');
        msg.nak(retryDelayMs(context.retryDelay, deliveries));
      }
    }
  }

  /** Moves a message the consumer gave up on to the dead-letter stream, then ends it here. */
  private async deadLetter(msg: JsMsg, context: ConsumerContext, reason: DeadLetterReason, error: string): Promise<void> {
    const subject = this.prefix ? msg.subject.slice(this.prefix.length + 1) : msg.subject;
    const where = { subject, stream: msg.info.stream, seq: msg.seq, consumer: msg.info.consumer, deliveries: msg.info.deliveryCount, reason, error };
    try {
      const headers = deadLetterHeaders(msg, reason, error);
      // One dead letter per message and consumer, however often this runs for it.
      const msgID = `dlq:${msg.info.stream}:${msg.info.consumer}:${msg.seq}`;
      await this.js.publish(this.subject(deadLetterSubject(context.stream, context.durable, subject)), msg.data, { msgID, headers, timeout: 5000 });
    } catch (publishError) {
      // Not ended here: the server delivers it again and the next failure tries again.
      this.logger.error({ ...where, err: publishError }, 'event not handled and not dead-lettered, will retry');
      msg.nak(retryDelayMs(context.retryDelay, msg.info.deliveryCount));
      return;
    }
    msg.term();
    this.deadLettered.add(1, { 'messaging.destination.name': subject, stream: context.stream, consumer: context.durable, reason });
    this.logger.error(where, 'event dead-lettered');
  }

  /**
   * A plain (non-durable) subscription for caches that only care about what comes next, e.g. the
   * gateway's sold-out board. Each message is handled in a span parented by its publisher.
   */
  subscribe<T>(name: string, handler: (event: T) => void): { unsubscribe(): void } {
    const subject = this.subject(name);
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        const carrier: TraceCarrier = {};
        for (const key of msg.headers?.keys() ?? []) carrier[key] = msg.headers?.get(key) ?? '';
        void inSpan(`${name} process`, SpanKind.CONSUMER, restoreTraceContext(carrier), { 'messaging.system': 'nats', 'messaging.destination.name': name }, async () => {
          try {
            handler(JSON.parse(new TextDecoder().decode(msg.data)) as T);
          } catch (error) {
            this.logger.warn({ subject: name, err: (error as Error).message }, 'event ignored');
          }
        });
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }

  /** Stops subscriptions after in-flight messages finish, then closes the connection. */
  async drain(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain();
    await this.nc.closed();
  }
}

/**
 * Runs `work` on `msg` while telling the server every third of the ack wait that it is still being
 * worked on (`+WPI` resets the timer), so a long handler (a notice fan-out to hundreds of buyers)
 * is not handed to another pod halfway and run twice. A pod that dies stops telling, and the
 * message is redelivered one ack wait later.
 */
async function keepAlive(msg: JsMsg, ackWaitMs: number, work: () => Promise<void>): Promise<void> {
  const heartbeat = setInterval(() => msg.working(), Math.max(50, Math.floor(ackWaitMs / 3)));
  try {
    await work();
  } finally {
    clearInterval(heartbeat);
  }
}

function retryDelayMs(delay: RetryDelay, deliveries: number): number {
  return Math.min(delay.firstMs * deliveries, delay.maxMs);
}

export class EventConsumer {
  constructor(
    private readonly messages: ConsumerMessages,
    readonly done: Promise<void>,
  ) {}

  async stop(): Promise<void> {
    this.messages.stop();
    await this.done.catch(() => undefined);
  }
}
