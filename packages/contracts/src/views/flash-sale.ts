// A flash sale as GET /api/v1/flash-sales/:id answers and as the live room's `sale:*` events and
// `session:join` carry it: one shape (built by flashSaleJson). Times come both as ISO strings (for
// people and the REST API) and as epoch milliseconds (for countdowns against the server clock);
// the counts come flat and as the `stock` object that `sale:stock` pushes replace.

/** A flash sale's counts at `atMs` (also the payload of inventory.stock.changed and `sale:stock`). */
export interface Stock {
  flashSaleId: string;
  quantity: number;
  held: number;
  sold: number;
  available: number;
  atMs: number;
}

export interface FlashSaleView {
  id: string;
  skuId: string;
  sku: { id: string; name: string; productId: string; listPriceFen: number } | null;
  warehouseId: string;
  leaderId: string;
  liveSessionId: string;
  salePriceFen: number;
  perBuyerLimit: number;
  holdSeconds: number;
  startsAt: string;
  endsAt: string;
  startsAtMs: number;
  endsAtMs: number;
  quantity: number;
  held: number;
  sold: number;
  available: number;
  stock: Stock;
}
