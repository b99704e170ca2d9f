// What the gateway knows about pools that are sold out, told by inventory's stock events, so a
// sold-out pool is answered from memory. Only the newest event per pool counts.
import { BoundedMap } from '@lc/kit';

export interface StockChange {
  flashSaleId: string;
  available: number;
  atMs: number;
}

/** Pools remembered at once; the oldest-told beyond this are forgotten (ended pools drift out). */
export const SOLD_OUT_BOARD_MAX_POOLS = 10_000;

export class SoldOutBoard {
  // Forgetting a pool only costs its fast path: the order service still answers SOLD_OUT.
  private readonly latest: BoundedMap<string, StockChange>;

  constructor(maxPools = SOLD_OUT_BOARD_MAX_POOLS) {
    this.latest = new BoundedMap(maxPools);
  }

  apply(change: StockChange): void {
    const known = this.latest.get(change.flashSaleId);
    if (known && known.atMs > change.atMs) return;
    this.latest.set(change.flashSaleId, change);
  }

  isSoldOut(flashSaleId: string): boolean {
    return this.latest.get(flashSaleId)?.available === 0;
  }

  get size(): number {
    return this.latest.size;
  }
}
