// Pickup codes: six digits a buyer shows at the pickup point. The code is derived from a server
// secret, the bag and a nonce (bumped on a clash), so only its keyed hash is ever stored and the
// buyer's copy can be re-derived; codes are never logged.
import { createHmac } from 'node:crypto';

export function derivePickupCode(secret: string, bagId: string, nonce: number): string {
  const mac = createHmac('sha256', secret).update(`code:${bagId}:${nonce}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** Keyed by the pickup point so the same code at another point never matches. */
export function pickupCodeHash(secret: string, pickupPointId: string, code: string): string {
  return createHmac('sha256', secret).update(`hash:${pickupPointId}:${code}`).digest('hex');
}

export const isPickupCode = (code: string) => /^[0-9]{6}$/.test(code);
