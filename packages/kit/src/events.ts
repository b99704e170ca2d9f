// JetStream helpers: streams, publishing with a message id (JetStream drops duplicates inside its
// window), and durable consumers with explicit ack, bounded batches and poison-message handling.
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
import { isDomainError } from './errors.js';
import type { Logger } from './logger.js';

export type { NatsConnection, JetStreamClient };

/** The platform's event streams; subjects are `<prefix><domain>.<entity>.<verb>`. */
export const STREAMS = {
  INVENTORY: ['inventory.>'],
  ORDER: ['order.>'],
  FULFILLMENT: ['fulfillment.>'],
} as const;

export class EventBus {
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

  streamName(name: keyof typeof STREAMS): string {
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
   * A durable consumer. The handler's success acks; a DomainError or unparsable message is a
   * poison message (terminated, logged); anything else is retried after a delay.
   */
  async consume<T>(options: {
    stream: keyof typeof STREAMS;
    durable: string;
    subjects: string[];
    handler: (event: T, meta: { subject: string; redelivered: boolean; seq: number }) => Promise<void>;
    batch?: number;
    maxDeliver?: number;
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
      ack_wait: 30 * 1_000_000_000,
      max_deliver: options.maxDeliver ?? 20,
    });
    const consumer = await this.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: options.batch ?? 32 });
    const wanted = new Set(options.subjects.map((s) => this.subject(s)));
    const matches = (subject: string) =>
      [...wanted].some((w) => w === subject || (w.endsWith('.>') && subject.startsWith(w.slice(0, -1))));
    const done = (async () => {
      for await (const msg of messages) {
        if (options.subjects.length > 1 && !matches(msg.subject)) msg.ack();
        else await this.handle(msg, options.handler);
      }
    })();
    return new EventConsumer(messages, done);
  }

  private async handle<T>(msg: JsMsg, handler: (event: T, meta: { subject: string; redelivered: boolean; seq: number }) => Promise<void>) {
    let event: T;
    try {
      event = JSON.parse(new TextDecoder().decode(msg.data)) as T;
    } catch {
      this.logger.error({ subject: msg.subject, seq: msg.seq }, 'unparsable event terminated');
      msg.term();
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
      if (isDomainError(error)) {
        this.logger.error({ subject, seq: msg.seq, code: error.code, message: error.message }, 'event refused, terminated');
        msg.term();
      } else {
        this.logger.warn({ subject, seq: msg.seq, err: error }, 'event handling failed, will retry');
        msg.nak(Math.min(1000 * msg.info.redeliveryCount, 10_000));
      }
    }
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
