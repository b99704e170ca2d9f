// Publishes pool counts on NATS, coalesced at the source: a storm of reservations on one pool
// becomes at most one `inventory.stock.changed` per pool per interval, carrying the latest counts
// (and the trace of the change that produced them). Counts are derived state, so a lost event
// is repaired by the next one; a failed publish is retried on the next tick.
import { captureTraceContext, type EventBus, type Logger, type TraceCarrier } from '@lc/kit';
import { available, type PoolCounts } from '../domain/flash-sale.js';

export const STOCK_CHANGED = 'inventory.stock.changed';

export interface StockChanged extends PoolCounts {
  flashSaleId: string;
  available: number;
  atMs: number;
}

export class StockPublisher {
  private readonly pending = new Map<string, { event: StockChanged; trace: TraceCarrier }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly intervalMs = 50,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.flushing = this.flushing.then(() => this.flush());
    }, this.intervalMs);
  }

  changed(flashSaleId: string, counts: PoolCounts): void {
    const event = { flashSaleId, quantity: counts.quantity, held: counts.held, sold: counts.sold, available: available(counts), atMs: Date.now() };
    this.pending.set(flashSaleId, { event, trace: captureTraceContext() });
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(
      batch.map(async ({ event, trace }) => {
        const { flashSaleId, held, sold, atMs } = event;
        try {
          await this.bus.publish(STOCK_CHANGED, event, `stock:${flashSaleId}:${atMs}:${held}:${sold}`, trace);
        } catch (error) {
          // Keep it for the next tick unless a newer count arrived meanwhile.
          if (!this.pending.has(flashSaleId)) this.pending.set(flashSaleId, { event, trace });
          this.logger.warn({ err: (error as Error).message, flashSaleId }, 'stock event deferred');
        }
      }),
    );
  }

  /** Publishes what is pending, then stops. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }
}
