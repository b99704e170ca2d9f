// Commission: the rate by product category and the leader's tier, and clawbacks pro rata by the
// amount refunded. All amounts are integer fen; rates are basis points (1/100 of a percent).
import { z } from 'zod';

export const TIERS = ['NEW', 'GROWING', 'STAR'] as const;
export type Tier = (typeof TIERS)[number];

/** Rates in basis points per category and tier; category '*' applies to any category not listed. */
export type RateTable = Record<string, Record<Tier, number>>;

const bp = z.number().int().min(0).max(10_000);
export const rateTableSchema = z
  .record(z.string().min(1), z.object({ NEW: bp, GROWING: bp, STAR: bp }))
  .refine((t) => '*' in t, 'must have a "*" entry for categories not listed');

export const DEFAULT_RATES: RateTable = {
  '*': { NEW: 500, GROWING: 600, STAR: 800 },
  fresh: { NEW: 300, GROWING: 400, STAR: 500 },
};

export function rateFor(table: RateTable, category: string, tier: Tier): number {
  return (table[category] ?? table['*']!)[tier];
}

/** Commission on an order: rounded down to the fen, so the platform never pays a fraction over. */
export function commissionFen(totalFen: number, rateBp: number): number {
  return Math.floor((totalFen * rateBp) / 10_000);
}

/**
 * What a refund claws back. Computed from the cumulative amount refunded, so partial refunds that
 * add up to the whole order claw back exactly the whole commission, with no rounding drift.
 */
export function clawback(order: { totalFen: number; commissionFen: number; refundedFen: number; clawedFen: number }, refundFen: number, full: boolean) {
  const refundedFen = full ? order.totalFen : Math.min(order.totalFen, order.refundedFen + Math.max(0, refundFen));
  const clawedFen = order.totalFen > 0 ? Math.round((order.commissionFen * refundedFen) / order.totalFen) : order.commissionFen;
  return { refundedFen, clawedFen, amountFen: Math.max(0, clawedFen - order.clawedFen) };
}
