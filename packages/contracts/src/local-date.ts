// Calendar dates in an IANA zone, the one way every service reads them: a leader's statements and
// tiers, a warehouse's delivery days, a batch's expiry are local days, storage is UTC. Conversions
// go through Intl, so DST and odd offsets come out right whatever the server's own zone.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isLocalDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

// One formatter per zone and shape: building one costs far more than using it (the ledger dates
// every paid order of a burst).
const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const partFormatters = new Map<string, Intl.DateTimeFormat>();
function cached(cache: Map<string, Intl.DateTimeFormat>, zone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let f = cache.get(zone);
  if (!f) {
    // en-CA writes dates YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', ...options });
    cache.set(zone, f);
  }
  return f;
}

/** The local date (YYYY-MM-DD) in `zone` at the instant `atMs`. */
export function localDate(atMs: number, zone: string): string {
  return cached(dateFormatters, zone, {}).format(new Date(atMs));
}

/** The local calendar date and seconds after local midnight of an instant. */
export function localParts(atMs: number, zone: string): { date: string; secondOfDay: number } {
  const f = cached(partFormatters, zone, { hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts = Object.fromEntries(f.formatToParts(new Date(atMs)).map((p) => [p.type, p.value]));
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

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
