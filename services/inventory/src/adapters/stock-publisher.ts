// Publishes pool counts on NATS, coalesced at the source: a storm of reservations on one pool
// becomes at most one `inventory.stock.changed` per pool per interval, carrying the latest counts
// (and the trace of the change that produced them). Counts are derived state, so a lost event
// is repaired by the next one; a failed publish is retried on the next tick, and the latest
// counts of recently active pools are repeated every few seconds for subscribers that were
// away (a gateway reconnecting after a NATS restart, a live-room pod that just started).
import { captureTraceContext, type EventBus, type Logger, type TraceCarrier } from '@lc/kit';
import type { Stock } from '@lc/contracts';
import { available, type PoolCounts } from '../domain/flash-sale.js';

export const STOCK_CHANGED = 'inventory.stock.changed';

/** The payload is the `Stock` view itself: the gateway and the live room pass it on to buyers as it is. */
export type StockChanged = Stock & PoolCounts;

export class StockPublisher {
  private readonly pending = new Map<string, { event: StockChanged; trace: TraceCarrier }>();
  private readonly latest = new Map<string, StockChanged>();
  private readonly order = new Map<string, { gen: string; seq: number }>();
  private timer: NodeJS.Timeout | undefined;
  private repeater: NodeJS.Timeout | undefined;
  private repeats = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly intervalMs = 50,
    private readonly repeatMs = 2000,
    private readonly activeForMs = 10 * 60_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      // One flush at a time; what arrives meanwhile waits in `pending` for the next tick.
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    }, this.intervalMs);
    this.repeater = setInterval(() => this.repeatLatest(), this.repeatMs);
  }

  private repeatLatest(): void {
    this.repeats++;
    const now = Date.now();
    for (const [flashSaleId, event] of this.latest) {
      if (now - event.atMs > this.activeForMs) {
        this.latest.delete(flashSaleId);
        this.order.delete(flashSaleId);
      }
      else if (!this.pending.has(flashSaleId)) this.pending.set(flashSaleId, { event, trace: {} });
    }
  }

  /**
   * Counts after a Redis step. Steps finish out of order (their Postgres writes race), so counts
   * older than ones already seen, by the step's sequence number in its Redis generation, are
   * dropped; a new generation (Redis rebuilt) starts over.
   */
  changed(flashSaleId: string, counts: PoolCounts & { seq?: number; gen?: string }): void {
    if (counts.gen !== undefined && counts.seq !== undefined) {
      const seen = this.order.get(flashSaleId);
      if (seen && seen.gen === counts.gen && seen.seq >= counts.seq) return;
      this.order.set(flashSaleId, { gen: counts.gen, seq: counts.seq });
    }
    const event = { flashSaleId, quantity: counts.quantity, held: counts.held, sold: counts.sold, available: available(counts), atMs: Date.now() };
    this.pending.set(flashSaleId, { event, trace: captureTraceContext() });
    this.latest.set(flashSaleId, event);
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(
      batch.map(async ({ event, trace }) => {
        const { flashSaleId, held, sold, atMs } = event;
        try {
          await this.bus.publish(STOCK_CHANGED, event, `stock:${flashSaleId}:${atMs}:${held}:${sold}:${this.repeats}`, trace);
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
    clearInterval(this.repeater);
    await this.flushing;
    await this.flush();
  }
}
