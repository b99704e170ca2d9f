// A group buy (开团) as REST sends it: the leader's terms and its progress towards the minimum
// (成团门槛), the one shape the leader console and the buyer's progress page read.
import type { GroupBuy } from '../gen/livecommerce/v1/group_buy.js';

export const GROUP_BUY_STATUSES = ['OPEN', 'SUCCEEDED', 'FAILED'] as const;
export type GroupBuyStatus = (typeof GROUP_BUY_STATUSES)[number];

/** Bounds of a group buy's terms, checked at the gateway and again by the order service. */
export const GROUP_BUY_RULES = {
  titleMaxChars: 100,
  maxStockCap: 100_000,
  maxHoldSeconds: 24 * 3600,
  defaultHoldSeconds: 900,
  /** A cut-off at most this far after the start. */
  maxDurationMs: 30 * 24 * 3600_000,
} as const;

export interface GroupBuyView {
  id: string;
  leaderId: string;
  title: string;
  skuId: string;
  warehouseId: string;
  flashSaleId: string;
  priceFen: number;
  stockCap: number;
  minQty: number;
  perBuyerLimit: number;
  startsAt: string;
  cutoffAt: string;
  status: GroupBuyStatus;
  decidedAt: string | null;
  /** Units in paid orders; once decided, the count that decided it. */
  joinedQty: number;
  pendingQty: number;
  buyers: number;
  /** Units still needed to reach the minimum (0 once reached). */
  missingQty: number;
  /** joinedQty / minQty as a whole percentage, capped at 100. */
  progressPercent: number;
}

export function groupBuyJson(g: GroupBuy): GroupBuyView {
  return {
    id: g.id,
    leaderId: g.leaderId,
    title: g.title,
    skuId: g.skuId,
    warehouseId: g.warehouseId,
    flashSaleId: g.flashSaleId,
    priceFen: Number(g.priceFen),
    stockCap: g.stockCap,
    minQty: g.minQty,
    perBuyerLimit: g.perBuyerLimit,
    startsAt: new Date(Number(g.startsAtMs)).toISOString(),
    cutoffAt: new Date(Number(g.cutoffAtMs)).toISOString(),
    status: g.status as GroupBuyStatus,
    decidedAt: g.decidedAtMs ? new Date(Number(g.decidedAtMs)).toISOString() : null,
    joinedQty: g.joinedQty,
    pendingQty: g.pendingQty,
    buyers: g.buyers,
    missingQty: Math.max(g.minQty - g.joinedQty, 0),
    progressPercent: g.minQty > 0 ? Math.min(100, Math.floor((g.joinedQty * 100) / g.minQty)) : 0,
  };
}
