// The one flash-sale view (views/flash-sale.ts) built from inventory's answer, for REST and socket.
import type { GetFlashSaleResponse } from '../gen/livecommerce/v1/inventory.js';
import type { FlashSaleView } from './flash-sale.js';

/** The counts are as of now; `stock.atMs` says when, so a page keeps the newer of two. */
export function flashSaleJson(r: GetFlashSaleResponse): FlashSaleView {
  const fs = r.flashSale!;
  const stock = {
    flashSaleId: fs.id,
    quantity: r.stats?.quantity ?? fs.quantity,
    held: r.stats?.held ?? 0,
    sold: r.stats?.sold ?? 0,
    available: r.stats?.available ?? 0,
    atMs: Date.now(),
  };
  return {
    id: fs.id,
    skuId: fs.skuId,
    sku: r.sku ? { id: r.sku.id, name: r.sku.name, productId: r.sku.productId, listPriceFen: r.sku.listPriceFen } : null,
    warehouseId: fs.warehouseId,
    leaderId: fs.leaderId,
    liveSessionId: fs.liveSessionId,
    salePriceFen: fs.salePriceFen,
    perBuyerLimit: fs.perBuyerLimit,
    holdSeconds: fs.holdSeconds,
    startsAt: new Date(fs.startsAtMs).toISOString(),
    endsAt: new Date(fs.endsAtMs).toISOString(),
    startsAtMs: fs.startsAtMs,
    endsAtMs: fs.endsAtMs,
    quantity: stock.quantity,
    held: stock.held,
    sold: stock.sold,
    available: stock.available,
    stock,
  };
}
