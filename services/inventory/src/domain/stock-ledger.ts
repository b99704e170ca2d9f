// Rules of the stock ledger (issue 16 point 6): what a receipt or an adjustment may say, how far
// an adjustment moves the shelf, and when a SKU is low. Pure: the store applies the answers.

import { isLocalDate } from '@lc/contracts';

export const LEDGER_BOUNDS = { qty: 1_000_000, batch: 64, note: 200, expiryYears: 20 } as const;

export type AdjustReason = 'DAMAGE' | 'COUNT';
export const ADJUST_REASONS: readonly AdjustReason[] = ['DAMAGE', 'COUNT'];

function addYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

function textProblems(batch: string, note: string): string[] {
  const problems: string[] = [];
  if (batch.length > LEDGER_BOUNDS.batch) problems.push(`batch: at most ${LEDGER_BOUNDS.batch} characters`);
  if (note.length > LEDGER_BOUNDS.note) problems.push(`note: at most ${LEDGER_BOUNDS.note} characters`);
  return problems;
}

const qtyProblem = (field: string, qty: number) =>
  Number.isInteger(qty) && qty >= 1 && qty <= LEDGER_BOUNDS.qty ? [] : [`${field}: a whole number of units from 1 to ${LEDGER_BOUNDS.qty}`];

/**
 * What is wrong with a receipt. Goods already past their expiry date (in the warehouse's zone)
 * are not received; nor is an expiry further away than any shelf life.
 */
export function receiptProblems(r: { qty: number; batch: string; expiresOn: string; note: string }, today: string): string[] {
  const problems = qtyProblem('qty', r.qty);
  if (r.expiresOn) {
    if (!isLocalDate(r.expiresOn)) problems.push(`expiresOn: ${r.expiresOn} is not a date (YYYY-MM-DD)`);
    else if (r.expiresOn < today) problems.push(`expiresOn: ${r.expiresOn} is already past (today is ${today})`);
    else if (r.expiresOn > addYears(today, LEDGER_BOUNDS.expiryYears)) problems.push(`expiresOn: ${r.expiresOn} is more than ${LEDGER_BOUNDS.expiryYears} years away`);
  }
  return [...problems, ...textProblems(r.batch, r.note)];
}

export function adjustmentProblems(a: { reason: string; qty: number; counted: number; note: string }): string[] {
  if (!ADJUST_REASONS.includes(a.reason as AdjustReason)) return [`reason: one of ${ADJUST_REASONS.join(', ')}`];
  const problems =
    a.reason === 'DAMAGE'
      ? qtyProblem('qty', a.qty)
      : Number.isInteger(a.counted) && a.counted >= 0 && a.counted <= LEDGER_BOUNDS.qty
        ? []
        : [`counted: a whole number of units from 0 to ${LEDGER_BOUNDS.qty}`];
  return [...problems, ...textProblems('', a.note)];
}

/** The signed change an adjustment makes to the shelf: a count records the difference. */
export function adjustmentDelta(a: { reason: AdjustReason; qty: number; counted: number }, onHand: number): number {
  return a.reason === 'DAMAGE' ? -a.qty : a.counted - onHand;
}

/**
 * Why the shelf may not move by `delta`: below zero there is nothing to remove, and below the
 * units promised to pools and unpaid holds buyers would be sold goods that are gone (end the pool
 * or let the holds lapse first). Undefined when it may.
 */
export function adjustmentRefusal(level: { onHand: number; allocated: number }, delta: number): string | undefined {
  const after = level.onHand + delta;
  if (after < 0) return `qty: only ${level.onHand} units are on hand`;
  if (after < level.allocated) return `qty: ${level.allocated} of the ${level.onHand} units on hand are promised to pools and holds; at most ${level.onHand - level.allocated} can come off`;
  return undefined;
}

/** Low at or below the level. */
export const isLow = (onHand: number, alertLevel: number) => onHand <= alertLevel;
