// Tiers (能上能下): evaluated on a month's figures with the brief's exact thresholds.
//   新锐 NEW:     joined < 30 days and monthly sales < ¥5,000 (and everyone who meets no other tier)
//   成长 GROWING: monthly sales ¥5,000–20,000 and repurchase rate > 40%
//   星级 STAR:    monthly sales > ¥20,000 and NPS > 80 (at least 20 ratings)
// A leader above ¥20,000 who misses STAR's NPS is judged on GROWING's repurchase rate instead.
import type { Tier } from './commission.js';

export const GROWING_MIN_SALES_FEN = 500_000;
export const STAR_MIN_SALES_FEN = 2_000_000;
export const GROWING_MIN_REPURCHASE = 0.4;
export const STAR_MIN_NPS = 80;
export const MIN_RATINGS_FOR_NPS = 20;
export const NEW_LEADER_DAYS = 30;

export interface TierFigures {
  month: string;
  salesFen: number;
  orders: number;
  buyers: number;
  repeatBuyers: number;
  /** repeatBuyers / buyers; 0 with no buyers. */
  repurchaseRate: number;
  ratings: number;
  promoters: number;
  detractors: number;
  /** %promoters − %detractors, or null with fewer than 20 ratings (not qualifying). */
  nps: number | null;
  daysSinceJoined: number;
}

/** NPS = % of 9–10 minus % of 0–6; null (not qualifying) under 20 ratings. */
export function nps(scores: readonly number[]): { ratings: number; promoters: number; detractors: number; nps: number | null } {
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  const ratings = scores.length;
  return { ratings, promoters, detractors, nps: ratings < MIN_RATINGS_FOR_NPS ? null : ((promoters - detractors) * 100) / ratings };
}

export function evaluateTier(f: TierFigures): { tier: Tier; reason: string } {
  const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
  const sales = `monthly sales ${yuan(f.salesFen)}`;
  if (f.salesFen > STAR_MIN_SALES_FEN && f.nps !== null && f.nps > STAR_MIN_NPS) {
    return { tier: 'STAR', reason: `${sales} > ¥20,000.00 and NPS ${f.nps.toFixed(1)} > 80 (${f.ratings} ratings)` };
  }
  if (f.salesFen >= GROWING_MIN_SALES_FEN && f.repurchaseRate > GROWING_MIN_REPURCHASE) {
    const why = f.salesFen > STAR_MIN_SALES_FEN ? `; not STAR: ${f.nps === null ? `only ${f.ratings} ratings (< 20)` : `NPS ${f.nps.toFixed(1)} ≤ 80`}` : '';
    return { tier: 'GROWING', reason: `${sales} ≥ ¥5,000.00 and repurchase rate ${(f.repurchaseRate * 100).toFixed(1)}% > 40%${why}` };
  }
  const misses =
    f.salesFen < GROWING_MIN_SALES_FEN
      ? `${sales} < ¥5,000.00`
      : `repurchase rate ${(f.repurchaseRate * 100).toFixed(1)}% ≤ 40%${f.salesFen > STAR_MIN_SALES_FEN ? ` and ${f.nps === null ? `only ${f.ratings} ratings` : `NPS ${f.nps.toFixed(1)} ≤ 80`}` : ''}`;
  return { tier: 'NEW', reason: `${misses}${f.daysSinceJoined < NEW_LEADER_DAYS ? ` (joined ${f.daysSinceJoined} days ago)` : ''}` };
}
