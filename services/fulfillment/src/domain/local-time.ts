// Wall-clock time in a warehouse's IANA zone: delivery days, cut-offs and receiving hours are
// local, storage is UTC. Conversions go through Intl so DST and odd offsets come out right.

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalTime(value: string): boolean {
  return HHMM.test(value);
}

/** Minutes after local midnight of an HH:MM value ("24:00" is not accepted). */
export function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`not an HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isTimeZone(zone: string): boolean {
  if (!zone || !zone.includes('/') && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isLocalDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, f);
  }
  return f;
}

/** The local calendar date and seconds after local midnight of an instant. */
export function localParts(atMs: number, zone: string): { date: string; secondOfDay: number } {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(atMs)).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    secondOfDay: Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second),
  };
}

/** Offset of the zone from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
function offsetAt(atMs: number, zone: string): number {
  const { date, secondOfDay } = localParts(atMs, zone);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d) + secondOfDay * 1000;
  return asUtc - Math.floor(atMs / 1000) * 1000;
}

/** The UTC instant of `secondOfDay` seconds after local midnight of `date` in `zone`. */
export function zonedToUtc(date: string, secondOfDay: number, zone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d) + secondOfDay * 1000;
  // Two passes settle on the right offset either side of a DST change.
  let guess = wall - offsetAt(wall, zone);
  guess = wall - offsetAt(guess, zone);
  return guess;
}

export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
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
