// Payment providers behind one interface. The sandbox provider approves every charge and sends
// the signed callback a real provider would send to our webhook.
import { randomUUID } from 'node:crypto';
import { signBody, type PaymentCallback } from '../domain/payment-signature.js';

export interface PaymentProvider {
  readonly name: string;
  /** Starts a charge; the outcome arrives later through the provider's signed callback. */
  charge(payment: { paymentId: string; orderId: string; amountFen: number }): Promise<void>;
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
}

/** Posts the callback to a webhook URL, as the provider's servers would. */
export function httpWebhook(url: string): WebhookDelivery {
  return async (body, signature) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': signature }, body });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  };
}
