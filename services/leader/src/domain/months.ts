// Months of a leader's business: tiers are evaluated per local month (dates come from
// @lc/contracts' local-date, in the leader's zone).
import { addDays } from '@lc/contracts';

export const monthOf = (date: string): string => date.slice(0, 7);

/** The first and last local dates of a month YYYY-MM. */
export function monthRange(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { first: `${month}-01`, last };
}

/** The month before YYYY-MM. */
export function previousMonth(month: string): string {
  return monthOf(addDays(`${month}-01`, -1));
}

export const isMonth = (s: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
