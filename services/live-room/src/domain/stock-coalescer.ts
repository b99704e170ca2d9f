// Coalesces a flash sale's stock changes so a room sees at most one update per interval, and
// always the latest state: a burst of thousands of reservations becomes a few broadcasts.
import type { Stock } from '@lc/contracts';

export type StockChange = Stock;

interface SaleSlot {
  latest: StockChange;
  pending: boolean;
  lastEmitMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class StockCoalescer {
  private readonly sales = new Map<string, SaleSlot>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (change: StockChange) => void,
    private readonly now: () => number = Date.now,
  ) {}

  offer(change: StockChange): void {
    const slot = this.sales.get(change.flashSaleId);
    if (slot === undefined) {
      this.sales.set(change.flashSaleId, { latest: change, pending: false, lastEmitMs: this.now(), timer: undefined });
      this.emit(change);
      this.arm(change.flashSaleId);
      return;
    }
    // Events can arrive out of order (several inventory pods); an older state never replaces a newer one.
    if (change.atMs < slot.latest.atMs) return;
    slot.latest = change;
    slot.pending = true;
    if (slot.timer === undefined) this.arm(change.flashSaleId);
  }

  close(): void {
    for (const slot of this.sales.values()) if (slot.timer !== undefined) clearTimeout(slot.timer);
    this.sales.clear();
  }

  private arm(flashSaleId: string): void {
    const slot = this.sales.get(flashSaleId);
    if (slot === undefined) return;
    const wait = Math.max(0, slot.lastEmitMs + this.intervalMs - this.now());
    slot.timer = setTimeout(() => this.flush(flashSaleId), wait);
    slot.timer.unref?.();
  }

  private flush(flashSaleId: string): void {
    const slot = this.sales.get(flashSaleId);
    if (slot === undefined) return;
    slot.timer = undefined;
    if (!slot.pending) {
      // Quiet for a whole interval: forget the sale's timing so the next change goes out at once.
      this.sales.delete(flashSaleId);
      return;
    }
    slot.pending = false;
    slot.lastEmitMs = this.now();
    this.emit(slot.latest);
    this.arm(flashSaleId);
  }
}
