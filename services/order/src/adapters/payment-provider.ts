// Payment providers behind one interface. The sandbox provider approves every charge and sends
// the signed callback a real provider would send to our webhook; it refunds synchronously.
import { randomUUID } from 'node:crypto';
import { signBody, type PaymentCallback } from '../domain/payment-signature.js';

export interface RefundOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  /** The provider's reference for the refund (empty when it refused). */
  providerRefundId: string;
  /** Why the provider refused, when it did. */
  failure: string;
}

export interface PaymentProvider {
  readonly name: string;
  /** Starts a charge; the outcome arrives later through the provider's signed callback. */
  charge(payment: { paymentId: string; orderId: string; amountFen: number }): Promise<void>;
  /**
   * Sends `amountFen` of a captured payment back. `refundId` is the idempotency key the provider
   * deduplicates on (WeChat Pay's out_refund_no, Alipay's out_request_no), so asking again after
   * a crash never pays twice. Throws when the outcome is unknown (network), so the caller retries.
   */
  refund(paymentId: string, amountFen: number, reason: string, opts: { refundId: string }): Promise<RefundOutcome>;
}

export type WebhookDelivery = (body: string, signature: string) => Promise<void>;

export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'sandbox';

  constructor(
    private readonly secret: string,
    private readonly deliver: WebhookDelivery,
  ) {}

  async charge(payment: { paymentId: string; orderId: string; amountFen: number }): Promise<void> {
    const callback: PaymentCallback = {
      eventId: randomUUID(),
      paymentId: payment.paymentId,
      orderId: payment.orderId,
      amountFen: payment.amountFen,
      status: 'SUCCEEDED',
      atMs: Date.now(),
    };
    const body = JSON.stringify(callback);
    await this.deliver(body, signBody(body, this.secret));
  }

  // The outcome is the synchronous answer, as Alipay's alipay.trade.refund gives it: a refund
  // then settles in the same call that requested it, and the only in-between state is a crash,
  // which the retry of REQUESTED refunds covers (same refundId, so the provider pays once).
  async refund(paymentId: string, amountFen: number, reason: string, opts: { refundId: string }): Promise<RefundOutcome> {
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) return { status: 'FAILED', providerRefundId: '', failure: 'amountFen must be a positive integer' };
    if (!paymentId || !reason) return { status: 'FAILED', providerRefundId: '', failure: 'paymentId and reason are required' };
    return { status: 'SUCCEEDED', providerRefundId: `sandbox-refund-${opts.refundId}`, failure: '' };
  }
}

/** Posts the callback to a webhook URL, as the provider's servers would. */
export function httpWebhook(url: string): WebhookDelivery {
  return async (body, signature) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature }, body });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  };
}
