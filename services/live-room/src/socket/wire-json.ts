// Contract messages turned into the JSON the socket protocol sends (same shapes as the REST API).
import { orderJson, type GetFlashSaleResponse } from '@lc/contracts';
import type { Sale } from '../wire-types.js';

export { orderJson };

export function saleView(r: GetFlashSaleResponse, nowMs: number): Sale {
  const fs = r.flashSale!;
  return {
    id: fs.id,
    skuId: fs.skuId,
    sku: r.sku ? { id: r.sku.id, name: r.sku.name, productId: r.sku.productId, listPriceFen: r.sku.listPriceFen } : null,
    salePriceFen: fs.salePriceFen,
    perBuyerLimit: fs.perBuyerLimit,
    holdSeconds: fs.holdSeconds,
    startsAtMs: fs.startsAtMs,
    endsAtMs: fs.endsAtMs,
    stock: {
      flashSaleId: fs.id,
      quantity: r.stats?.quantity ?? fs.quantity,
      held: r.stats?.held ?? 0,
      sold: r.stats?.sold ?? 0,
      available: r.stats?.available ?? 0,
      atMs: nowMs,
    },
  };
}
