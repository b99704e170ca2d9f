// One-time sign-in codes: six digits, kept only as an HMAC (a six-digit space is too small for a
// plain hash to hide anything), valid for a few minutes, good for one sign-in and a few tries.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_DIGITS = 6;

export function newCode(random: (max: number) => number = randomInt): string {
  return String(random(10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** Keyed by the server's secret and bound to the phone, so one code's hash says nothing about another phone's. */
export function hashCode(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}\n${code}`).digest('hex');
}

export function codeMatches(secret: string, phone: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(hashCode(secret, phone, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export interface StoredCode {
  id: number;
  codeHash: string;
  expiresAtMs: number;
  attempts: number;
  consumed: boolean;
}

export type CodeVerdict = 'ok' | 'no-code' | 'expired' | 'used' | 'too-many-attempts' | 'wrong';

/**
 * What a try at the phone's latest code comes to. `stored.attempts` counts this try already (the
 * store counts a try before the code is compared, so parallel guesses cannot share one count).
 */
export function judgeCode(stored: StoredCode | undefined, matches: boolean, nowMs: number, maxAttempts: number): CodeVerdict {
  if (!stored) return 'no-code';
  if (stored.consumed) return 'used';
  if (stored.expiresAtMs <= nowMs) return 'expired';
  if (stored.attempts > maxAttempts) return 'too-many-attempts';
  return matches ? 'ok' : 'wrong';
}

export function smsText(code: string, ttlSeconds: number): string {
  return `【社区团购】验证码 ${code},${Math.round(ttlSeconds / 60)} 分钟内有效,请勿告诉他人。Your sign-in code is ${code}; it expires in ${Math.round(ttlSeconds / 60)} minutes.`;
}
