// The leader dashboard's rules: which local dates "today", "this week" and "this month" cover,
// and what the next tier asks of this month's figures (the thresholds of domain/tiers.ts).
import type { Tier } from './commission.js';
import { addDays } from '@lc/contracts';
import { GROWING_MIN_REPURCHASE, GROWING_MIN_SALES_FEN, MIN_RATINGS_FOR_NPS, STAR_MIN_NPS, STAR_MIN_SALES_FEN, type TierFigures } from './tiers.js';

export type PeriodName = 'today' | 'week' | 'month';
export interface Period {
  name: PeriodName;
  first: string;
  last: string;
}

/** Days the sales line covers, ending today. */
export const DAILY_DAYS = 30;
/** How far back a SKU counts as one the leader sells (for the slow sellers). */
export const SLOW_LOOKBACK_DAYS = 90;
export const SKU_LIST_LENGTH = 5;

/** The periods ending on `today` (a local date); weeks start on Monday. */
export function periodsOf(today: string): Period[] {
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
  return [
    { name: 'today', first: today, last: today },
    { name: 'week', first: addDays(today, -((weekday + 6) % 7)), last: today },
    { name: 'month', first: `${today.slice(0, 7)}-01`, last: today },
  ];
}

export interface Requirement {
  name: 'sales_fen' | 'repurchase_rate' | 'nps' | 'ratings';
  current: number;
  target: number;
  strictlyAbove: boolean;
  met: boolean;
  known: boolean;
}

const need = (name: Requirement['name'], current: number | null, target: number, strictlyAbove: boolean): Requirement => ({
  name,
  current: current ?? 0,
  target,
  strictlyAbove,
  known: current !== null,
  met: current !== null && (strictlyAbove ? current > target : current >= target),
});

/** The tier above `tier` and what it needs of the month's figures (STAR: what keeping it needs). */
export function tierProgress(tier: Tier, f: TierFigures): { nextTier: Tier | ''; requirements: Requirement[] } {
  if (tier === 'NEW') {
    return {
      nextTier: 'GROWING',
      requirements: [need('sales_fen', f.salesFen, GROWING_MIN_SALES_FEN, false), need('repurchase_rate', f.repurchaseRate, GROWING_MIN_REPURCHASE, true)],
    };
  }
  return {
    nextTier: tier === 'GROWING' ? 'STAR' : '',
    requirements: [need('sales_fen', f.salesFen, STAR_MIN_SALES_FEN, true), need('ratings', f.ratings, MIN_RATINGS_FOR_NPS, false), need('nps', f.nps, STAR_MIN_NPS, true)],
  };
}

/** Top sellers by units, and the least-selling of the rest (none sold counts). */
export function rankSkus<T extends { skuId: string; units: number }>(skus: T[]): { top: T[]; slow: T[] } {
  const byUnits = [...skus].sort((a, b) => b.units - a.units || (a.skuId < b.skuId ? -1 : 1));
  const top = byUnits.filter((s) => s.units > 0).slice(0, SKU_LIST_LENGTH);
  const slow = byUnits.filter((s) => !top.includes(s)).reverse().slice(0, SKU_LIST_LENGTH);
  return { top, slow };
}
