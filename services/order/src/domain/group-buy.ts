// Group-buy (开团) rules, pure: what valid terms look like, what a cut-off decides, and the mark a
// group buy's inventory pool carries so that no order reaches the pool except through it.
import { BOUNDS, GROUP_BUY_RULES } from '@lc/contracts';

export interface GroupBuyTerms {
  leaderId: string;
  title: string;
  skuId: string;
  warehouseId: string;
  priceFen: number;
  stockCap: number;
  minQty: number;
  perBuyerLimit: number;
  startsAtMs: number;
  cutoffAtMs: number;
  holdSeconds: number;
}

export type GroupBuyVerdict = 'SUCCEEDED' | 'FAILED';

/** Every problem with the terms, each naming its field; empty when valid. `nowMs` refuses a cut-off already past. */
export function groupBuyProblems(t: GroupBuyTerms, nowMs: number): string[] {
  const problems: string[] = [];
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isSafeInteger(v) || v < min || v > max) problems.push(`${name}: must be an integer from ${min} to ${max}`);
  };
  if (!t.leaderId) problems.push('leaderId: required');
  if (!t.title.trim() || t.title.length > GROUP_BUY_RULES.titleMaxChars) problems.push(`title: 1 to ${GROUP_BUY_RULES.titleMaxChars} characters`);
  if (!t.skuId) problems.push('skuId: required');
  if (!t.warehouseId) problems.push('warehouseId: required');
  int('priceFen', t.priceFen, 1, BOUNDS.fen.max);
  int('stockCap', t.stockCap, 1, GROUP_BUY_RULES.maxStockCap);
  int('minQty', t.minQty, 1, GROUP_BUY_RULES.maxStockCap);
  int('perBuyerLimit', t.perBuyerLimit, 1, GROUP_BUY_RULES.maxStockCap);
  int('holdSeconds', t.holdSeconds, 1, GROUP_BUY_RULES.maxHoldSeconds);
  if (Number.isSafeInteger(t.minQty) && Number.isSafeInteger(t.stockCap) && t.minQty > t.stockCap) problems.push('minQty: at most stockCap (a minimum above the stock could never be reached)');
  if (!Number.isSafeInteger(t.startsAtMs) || !Number.isSafeInteger(t.cutoffAtMs)) problems.push('startsAt, cutoffAt: required times');
  else if (t.cutoffAtMs <= t.startsAtMs) problems.push('cutoffAt: must be after startsAt');
  else if (t.cutoffAtMs <= nowMs) problems.push('cutoffAt: must be in the future');
  else if (t.cutoffAtMs - t.startsAtMs > GROUP_BUY_RULES.maxDurationMs) problems.push(`cutoffAt: at most ${GROUP_BUY_RULES.maxDurationMs / 86_400_000} days after startsAt`);
  return problems;
}

/** At the cut-off: the paid units reach the minimum, or the group buy fails. */
export function verdictAtCutoff(paidQty: number, minQty: number): GroupBuyVerdict {
  return paidQty >= minQty ? 'SUCCEEDED' : 'FAILED';
}

/** Why a placement into the group buy is refused now, if it is (the pool refuses too; this is the clock's word). */
export function placementRefusal(g: { status: string; startsAtMs: number; cutoffAtMs: number }, nowMs: number): 'NOT_STARTED' | 'ENDED' | undefined {
  if (g.status !== 'OPEN' || nowMs >= g.cutoffAtMs) return 'ENDED';
  if (nowMs < g.startsAtMs) return 'NOT_STARTED';
  return undefined;
}

// The pool's live-session field names its group buy: inventory answers every reservation with it,
// so the order service tells a group buy's pool from a flash sale's without a lookup on the hot path.
const POOL_MARK = 'group-buy:';
export const groupBuyPoolMark = (groupBuyId: string) => `${POOL_MARK}${groupBuyId}`;
/** The group buy a pool's live-session field names; '' for an ordinary pool. */
export const groupBuyOfPoolMark = (liveSessionId: string) => (liveSessionId.startsWith(POOL_MARK) ? liveSessionId.slice(POOL_MARK.length) : '');
