// Sandbox payment callbacks are signed with HMAC-SHA256 over the raw body, like real providers'.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@lc/kit';

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

/** A verified body as a callback, or a refusal naming what is wrong with it. */
export function parseCallback(body: string): PaymentCallback {
  let value: Partial<Record<keyof PaymentCallback, unknown>>;
  try {
    value = JSON.parse(body) as typeof value;
  } catch {
    throw new DomainError('INVALID_ARGUMENT', 'body is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new DomainError('INVALID_ARGUMENT', 'body: expected an object');
  for (const field of ['eventId', 'paymentId', 'orderId'] as const) {
    if (typeof value[field] !== 'string' || !value[field]) throw new DomainError('INVALID_ARGUMENT', `${field}: required string`);
  }
  if (!Number.isSafeInteger(value.amountFen)) throw new DomainError('INVALID_ARGUMENT', 'amountFen: must be an integer (fen)');
  if (value.status !== 'SUCCEEDED' && value.status !== 'FAILED') throw new DomainError('INVALID_ARGUMENT', 'status: must be SUCCEEDED or FAILED');
  return value as PaymentCallback;
}
