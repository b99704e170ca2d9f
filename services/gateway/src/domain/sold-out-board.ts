// What the gateway knows about pools that are sold out, told by inventory's stock events, so a
// sold-out pool is answered from memory. Only the newest event per pool counts.
export interface StockChange {
  flashSaleId: string;
  available: number;
  atMs: number;
}

export class SoldOutBoard {
  private readonly latest = new Map<string, StockChange>();

  apply(change: StockChange): void {
    const known = this.latest.get(change.flashSaleId);
    if (known && known.atMs > change.atMs) return;
    this.latest.set(change.flashSaleId, change);
  }

  isSoldOut(flashSaleId: string): boolean {
    return this.latest.get(flashSaleId)?.available === 0;
  }
}
