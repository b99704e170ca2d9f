// Wall-clock time in a warehouse's IANA zone: delivery days, cut-offs and receiving hours are
// local, storage is UTC. Dates and zone conversions are @lc/contracts' local-date.
import { addDays, isTimeZone as isIanaZone, localParts, zonedToUtc } from '@lc/contracts';

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

export function isLocalTime(value: string): boolean {
  return HHMM.test(value);
}

/** Minutes after local midnight of an HH:MM value ("24:00" is not accepted). */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** A warehouse's zone: a region (Asia/Shanghai) or UTC, not an abbreviation Intl also takes (EST). */
export function isTimeZone(zone: string): boolean {
  return (zone === 'UTC' || zone.includes('/')) && isIanaZone(zone);
}

/**
 * The delivery day an order paid at `paidAtMs` belongs to: paid before the local cut-off → the
 * next day, at or after it → the day after next.
 */
export function deliveryDateFor(paidAtMs: number, zone: string, cutoff: string): string {
  const { date, secondOfDay } = localParts(paidAtMs, zone);
  return addDays(date, secondOfDay < minutesOf(cutoff) * 60 ? 1 : 2);
}

/** When the wave of `deliveryDate` stops taking orders: the cut-off on the day before. */
export function cutoffInstant(deliveryDate: string, zone: string, cutoff: string): number {
  return zonedToUtc(addDays(deliveryDate, -1), minutesOf(cutoff) * 60, zone);
}
