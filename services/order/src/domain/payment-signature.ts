// Sandbox payment callbacks are signed with HMAC-SHA256 over the raw body, like real providers'.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface PaymentCallback {
  eventId: string;
  paymentId: string;
  orderId: string;
  amountFen: number;
  status: 'SUCCEEDED' | 'FAILED';
  atMs: number;
}

export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function verifySignature(body: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(signBody(body, secret), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
