// The bounds of every public input field, once: REST route schemas and socket event schemas are
// built from these zod rules, and services guard their own invariants with the same constants.
import { z } from 'zod';

export const BOUNDS = {
  /** Length of any id or key a client sends (user ids, warehouse ids, idempotency keys). */
  idLength: 100,
  /** Units in one order. */
  qty: { min: 1, max: 1000 },
  /** Any price or amount, in fen. */
  fen: { min: 0, max: 100_000_000 },
  /** Units in one flash-sale pool. */
  poolQuantity: { min: 1, max: 1_000_000 },
  /** Units a buyer may take from one pool. */
  perBuyerLimit: { min: 1, max: 1_000_000 },
  /** Seconds a hold waits for payment; also a pool's length in seconds. */
  holdSeconds: { min: 10, max: 86_400 },
  /** Lengths of free text. */
  text: { name: 200, skuName: 100, title: 200, description: 5000, address: 500, reason: 500, chat: 2000, muteReason: 100, token: 8192 },
} as const;

export const id = (what: string) => z.string({ error: `${what} must be a string` }).min(1, `${what} is required`).max(BOUNDS.idLength);
export const uuid = (what: string) => z.uuid({ error: `${what} must be a UUID` });
// Each bound names itself: the schema-wide `error` would otherwise answer a negative or huge
// whole number with "must be an integer".
export const fen = z
  .number({ error: 'must be an integer number of fen' })
  .int('must be an integer number of fen')
  .min(BOUNDS.fen.min, 'must not be negative')
  .max(BOUNDS.fen.max, `must be at most ${BOUNDS.fen.max} fen`);
export const qty = z
  .number({ error: 'qty must be an integer' })
  .int('qty must be an integer')
  .min(BOUNDS.qty.min, `qty must be at least ${BOUNDS.qty.min}`)
  .max(BOUNDS.qty.max, `qty must be at most ${BOUNDS.qty.max}`);
export const poolQuantity = z
  .number({ error: 'quantity must be an integer' })
  .int('quantity must be an integer')
  .min(BOUNDS.poolQuantity.min, `quantity must be at least ${BOUNDS.poolQuantity.min}`)
  .max(BOUNDS.poolQuantity.max, `quantity must be at most ${BOUNDS.poolQuantity.max}`);
export const holdSeconds = z.number().int().min(BOUNDS.holdSeconds.min).max(BOUNDS.holdSeconds.max);
export const idempotencyKey = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(BOUNDS.idLength, `${what} must be at most ${BOUNDS.idLength} characters`);
export const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time with a zone, e.g. 2026-11-26T20:00:00+08:00' });
export const lat = z.number({ error: 'must be a latitude between -90 and 90' }).min(-90, 'must be a latitude between -90 and 90').max(90, 'must be a latitude between -90 and 90');
export const lng = z.number({ error: 'must be a longitude between -180 and 180' }).min(-180, 'must be a longitude between -180 and 180').max(180, 'must be a longitude between -180 and 180');

/** Guard for a service's own invariant: an order quantity within the public bounds. */
export const isOrderQty = (n: number) => Number.isSafeInteger(n) && n >= BOUNDS.qty.min && n <= BOUNDS.qty.max;

/** Leader onboarding: the lengths of an application's texts, a valid IANA zone, local HH:MM hours. */
export const LEADER_APPLICATION_LIMITS = { name: 80, community: 200, address: BOUNDS.text.address, reason: BOUNDS.text.reason } as const;
export function isTimeZone(zone: string): boolean {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const timeZone = z.string({ error: 'zone must be an IANA time zone such as Asia/Shanghai' }).refine(isTimeZone, 'zone must be an IANA time zone such as Asia/Shanghai');
export const localTime = (what: string) => z.string({ error: `${what} must be a local time HH:MM` }).regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, `${what} must be a local time HH:MM`);
export const requiredText = (what: string, max: number) =>
  z.string({ error: `${what} must be a string` }).trim().min(1, `${what} is required`).max(max, `${what} must be at most ${max} characters`);
