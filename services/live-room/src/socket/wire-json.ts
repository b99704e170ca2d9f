// Contract messages turned into the JSON the socket protocol sends (same shapes as the REST API).
import { orderStatusToJSON, type GetFlashSaleResponse, type Order } from '@lc/contracts';
import type { StockChange } from '../domain/stock-coalescer.js';

const statusName = (s: number) => orderStatusToJSON(s).replace(/^ORDER_STATUS_/, '');

export function orderJson(o: Order) {
  return {
    id: o.id,
    buyerId: o.buyerId,
    leaderId: o.leaderId,
    liveSessionId: o.liveSessionId,
    flashSaleId: o.flashSaleId,
    skuId: o.skuId,
    warehouseId: o.warehouseId,
    qty: o.qty,
    unitPriceFen: o.unitPriceFen,
    totalFen: o.totalFen,
    status: statusName(o.status),
    paymentDeadline: new Date(o.paymentDeadlineMs).toISOString(),
    createdAt: new Date(o.createdAtMs).toISOString(),
    timeline: o.timeline.map((t) => ({ status: statusName(t.status), at: new Date(t.atMs).toISOString(), note: t.note })),
  };
}

export interface SaleView {
  id: string;
  skuId: string;
  sku: { id: string; name: string; productId: string; listPriceFen: number } | null;
  salePriceFen: number;
  perBuyerLimit: number;
  holdSeconds: number;
  startsAtMs: number;
  endsAtMs: number;
  stock: StockChange;
}

export function saleView(r: GetFlashSaleResponse, nowMs: number): SaleView {
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
