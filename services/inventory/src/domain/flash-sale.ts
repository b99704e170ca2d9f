// Flash-sale pool rules: what a valid pool looks like and how its counts read. Pure.
import type { SaleRefusal } from '@lc/contracts';

export interface FlashSaleTerms {
  skuId: string;
  warehouseId: string;
  leaderId: string;
  liveSessionId: string;
  salePriceFen: number;
  quantity: number;
  perBuyerLimit: number;
  startsAtMs: number;
  endsAtMs: number;
  holdSeconds: number;
}

export const MAX_POOL_QUANTITY = 1_000_000;
export const MAX_HOLD_SECONDS = 24 * 3600;

/** Every problem with the terms, each naming its field; empty when valid. */
export function flashSaleProblems(t: FlashSaleTerms): string[] {
  const problems: string[] = [];
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) problems.push(`${name}: must be an integer from ${min} to ${max}`);
  };
  if (!t.skuId) problems.push('skuId: required');
  if (!t.warehouseId) problems.push('warehouseId: required');
  if (!t.leaderId) problems.push('leaderId: required');
  // A pool at 0 fen gives the stock away; a price above list price is not a sale.
  int('salePriceFen', t.salePriceFen, 1, 100_000_000);
  int('quantity', t.quantity, 1, MAX_POOL_QUANTITY);
  int('perBuyerLimit', t.perBuyerLimit, 1, MAX_POOL_QUANTITY);
  int('holdSeconds', t.holdSeconds, 1, MAX_HOLD_SECONDS);
  if (!(t.endsAtMs > t.startsAtMs)) problems.push('endsAt: must be after startsAt');
  return problems;
}

/**
 * A pool may not let a buyer take more than the SKU itself allows (0 on the SKU: no limit of its
 * own), or a flash sale would undo the leader's catalog rule.
 */
export function poolLimitProblem(poolLimit: number, skuLimit: number): string | undefined {
  if (skuLimit > 0 && poolLimit > skuLimit) return `perBuyerLimit: at most ${skuLimit}, the SKU's own limit per buyer`;
  return undefined;
}

/** A pool's price may not exceed its SKU's list price. */
export function poolPriceProblem(salePriceFen: number, listPriceFen: number): string | undefined {
  if (salePriceFen > listPriceFen) return `salePriceFen: at most ${listPriceFen}, the SKU's list price`;
  return undefined;
}

export interface PoolCounts {
  quantity: number;
  held: number;
  sold: number;
}

export const available = (c: PoolCounts) => Math.max(c.quantity - c.held - c.sold, 0);

/** A pool's answer to a reservation: the shared refusal names of @lc/contracts. */
export type ReserveOutcome = 'RESERVED' | SaleRefusal;
