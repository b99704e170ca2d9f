// The skeleton every service shares: logger, Postgres (schema + migrations), Redis, NATS, the
// HTTP health server, the gRPC server, and the ordered shutdown. A service's own code adds its
// domain, handlers and consumers to this.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger } from './logger.js';
import { createPool, migrate, openConnections, type Pool } from './postgres.js';
import { createRedis, type Redis } from './redis.js';
import { EventBus, type EventConsumer } from './events.js';
import { OutboxRelay } from './outbox.js';
import { createHttpServer, type ReadinessCheck } from './http-server.js';
import { startGrpcServer, type GrpcService, type RunningGrpcServer } from './grpc-server.js';
import { runShutdown, type ShutdownStep } from './lifecycle.js';
import type { baseConfigShape } from './config.js';
import type { z } from 'zod';

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigShape>>;

const kitMigrations = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface RuntimeOptions {
  name: string;
  config: BaseConfig;
  logger?: Logger;
  /** The service's SQL migrations folder; omit for a service without Postgres. */
  migrationsDir?: string;
  redis?: boolean;
  /** Send the Redis commands issued in one tick in one write (for batched hot paths). */
  redisAutoPipelining?: boolean;
  nats?: boolean;
  /** Relay the outbox table to JetStream (default on with Postgres and NATS). */
  outbox?: boolean;
  /**
   * Postgres connections opened before the service says it is ready and kept open while idle,
   * for services on the flash-sale hot path (the pool still grows to its maximum on demand).
   */
  keepConnections?: number;
}

export class ServiceRuntime {
  readonly http: FastifyInstance;
  grpc: RunningGrpcServer | undefined;
  httpPort = 0;
  private readonly consumers: EventConsumer[] = [];
  private readonly extraSteps: ShutdownStep[] = [];
  private readonly earlySteps: ShutdownStep[] = [];
  private relay: OutboxRelay | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly name: string,
    readonly config: BaseConfig,
    readonly logger: Logger,
    readonly pool: Pool | undefined,
    readonly redis: Redis | undefined,
    readonly bus: EventBus | undefined,
  ) {
    const readiness: ReadinessCheck[] = [];
    if (pool) readiness.push({ name: 'postgres', check: async () => void (await pool.query('SELECT 1')) });
    if (redis) readiness.push({ name: 'redis', check: async () => void (await redis.ping()) });
    if (bus) readiness.push({ name: 'nats', check: async () => { if (bus.nc.isClosed()) throw new Error('closed'); await bus.nc.flush(); } });
    readiness.push({ name: 'grpc', check: async () => { if (!this.grpc) throw new Error('not started'); } });
    readiness.push({ name: 'shutdown', check: async () => { if (this.stopping) throw new Error('draining'); } });
    this.http = createHttpServer({ logger, readiness });
  }

  static async create(options: RuntimeOptions): Promise<ServiceRuntime> {
    const { config } = options;
    const logger = options.logger ?? createLogger(options.name, config.LOG_LEVEL);
    let pool: Pool | undefined;
    if (options.migrationsDir) {
      pool = createPool(config.DATABASE_URL, config.DB_SCHEMA, { keepOpen: options.keepConnections ?? 0 });
      await migrate(pool, config.DB_SCHEMA, [kitMigrations, options.migrationsDir], logger);
      if (options.keepConnections) await openConnections(pool, options.keepConnections);
    }
    const redis = options.redis ? createRedis(config.REDIS_URL, logger, { autoPipelining: options.redisAutoPipelining ?? false }) : undefined;
    const bus = options.nats ? await EventBus.connect(config.NATS_URL, config.EVENT_PREFIX, logger, options.name) : undefined;
    if (bus) await bus.ensureStreams();
    const runtime = new ServiceRuntime(options.name, config, logger, pool, redis, bus);
    if (pool && bus && options.outbox !== false) {
      runtime.relay = new OutboxRelay(pool, bus, logger);
      await runtime.relay.start();
    }
    return runtime;
  }

  addConsumer(consumer: EventConsumer): void {
    this.consumers.push(consumer);
  }

  /** Work to stop before the servers close (e.g. timers, sockets that take new work). */
  onStopTakingWork(name: string, run: () => Promise<void> | void): void {
    this.earlySteps.push([name, run]);
  }

  /**
   * Runs `pass` every `intervalMs` (0: never), one pass at a time on this replica (replicas may
   * overlap, so a pass must claim what it works on); a failed pass is logged and the next one runs
   * as usual. Stopped, and the running pass awaited, when the service stops taking work.
   */
  every(name: string, intervalMs: number, pass: () => Promise<unknown>): void {
    if (!intervalMs) return;
    let running: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      running ??= pass()
        .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, `${name} pass failed`))
        .finally(() => (running = undefined));
    }, intervalMs);
    this.onStopTakingWork(name, async () => {
      clearInterval(timer);
      await running;
    });
  }

  /** Work to close after in-flight requests finished (e.g. clients of other services). */
  onClose(name: string, run: () => Promise<void> | void): void {
    this.extraSteps.push([name, run]);
  }

  async start(services: GrpcService[]): Promise<void> {
    const address = await this.http.listen({ port: this.config.HTTP_PORT, host: this.config.HOST });
    this.httpPort = Number(new URL(address).port);
    this.grpc = await startGrpcServer({ host: this.config.HOST, port: this.config.GRPC_PORT, services, logger: this.logger });
    this.grpc.setServing(true);
    this.logger.info({ http: this.httpPort, grpc: this.grpc.port }, `${this.name} ready`);
  }

  get grpcPort(): number {
    return this.grpc?.port ?? 0;
  }

  /** Stop taking work, finish in-flight requests and messages, then close every connection. */
  stop(): Promise<void> {
    this.stopping ??= runShutdown(this.logger, this.shutdownSteps(), this.config.SHUTDOWN_TIMEOUT_MS);
    return this.stopping;
  }

  private shutdownSteps(): ShutdownStep[] {
    return [
      ['health not serving', () => this.grpc?.setServing(false)],
      ...this.earlySteps,
      ['consumers', async () => void (await Promise.all(this.consumers.map((c) => c.stop())))],
      // gRPC first: an in-flight call may still need this service's own HTTP (the order
      // service's sandbox payment webhook).
      ['grpc', () => this.grpc?.shutdown(this.config.SHUTDOWN_TIMEOUT_MS / 2)],
      ['http', () => this.http.close()],
      ...this.extraSteps,
      ['outbox relay', () => this.relay?.stop()],
      ['nats', () => this.bus?.drain()],
      ['redis', async () => void (await this.redis?.quit().catch(() => this.redis?.disconnect()))],
      ['postgres', () => this.pool?.end()],
    ];
  }
}
