// Money in and out of an order: one payment intent per order, provider callbacks applied once,
// and a provider refund, recorded per cause, whenever money was taken that the order cannot keep.
import { randomUUID } from 'node:crypto';
import { DomainError, type Logger, type PoolClient } from '@lc/kit';
import type { InventoryClient } from './adapters/inventory-client.js';
import { OrderStore, type OrderRow } from './adapters/order-store.js';
import { PaymentStore, type PaymentRow, type RefundRow } from './adapters/payment-store.js';
import type { PaymentProvider } from './adapters/payment-provider.js';
import { refundKind } from './domain/after-sales.js';
import { parseCallback, verifySignature } from './domain/payment-signature.js';

/** Payment states in which the provider has taken the money for this payment. */
const CAPTURED_STATES = ['SUCCEEDED', 'CAPTURED', 'REFUNDED'];

export class Payments {
  constructor(
    private readonly orders: OrderStore,
    private readonly store: PaymentStore,
    private readonly inventory: InventoryClient,
    private readonly provider: PaymentProvider,
    private readonly webhookSecret: string,
    private readonly logger: Logger,
  ) {}

  /**
   * The order's payment intent: the live one if there is one (pending or already captured),
   * otherwise a new one, charged once. Concurrent calls, on any replica, share one intent.
   */
  async pay(order: OrderRow): Promise<{ order: OrderRow; paymentId: string }> {
    const opened = await this.store.openIntent({ id: randomUUID(), orderId: order.id, provider: this.provider.name });
    if (!opened) {
      // The order left PENDING_PAYMENT between the caller's read and ours.
      const now = (await this.orders.byId(order.id))!;
      if (now.status === 'CANCELLED') throw new DomainError('INVALID_STATE', 'order was cancelled');
      return { order: now, paymentId: (await this.store.liveOf(order.id))?.id ?? '' };
    }
    const { payment, created } = opened;
    if (created) {
      try {
        await this.provider.charge({ paymentId: payment.id, orderId: order.id, amountFen: payment.amountFen });
      } catch (err) {
        // Outcome unknown: close the intent so the buyer can try again. Should this charge have
        // gone through after all, its callback finds the intent EXPIRED and is applied or
        // refunded like any late capture.
        await this.store.inTransaction((client) => PaymentStore.setStatus(client, payment.id, 'EXPIRED', ['PENDING']));
        this.logger.warn({ err: (err as Error).message, paymentId: payment.id, orderId: order.id }, 'charge request failed; intent closed');
        throw new DomainError('UNAVAILABLE', 'the payment provider could not be reached, try again');
      }
    }
    return { order: (await this.orders.byId(order.id))!, paymentId: payment.id };
  }

  /** The id of the order's live payment intent, if any. */
  async liveIntentOf(orderId: string): Promise<string> {
    return (await this.store.liveOf(orderId))?.id ?? '';
  }

  /**
   * A provider callback: verified, recorded once, and applied: a decline closes the intent; a
   * capture pays the order if its hold still stands, and is refunded otherwise (the hold was
   * released, or another payment already paid the order).
   */
  async handleCallback(body: string, signature: string): Promise<{ order: OrderRow; duplicate: boolean }> {
    if (!verifySignature(body, signature, this.webhookSecret)) throw new DomainError('INVALID_SIGNATURE', 'signature does not match the body');
    const callback = parseCallback(body);
    const found = await this.store.forCallback(callback.paymentId, callback.eventId);
    if (!found || found.payment.orderId !== callback.orderId) throw new DomainError('NOT_FOUND', `no payment ${callback.paymentId}`);
    const { payment, seen } = found;
    if (payment.amountFen !== callback.amountFen) throw new DomainError('INVALID_ARGUMENT', 'amountFen: does not match the payment');
    const order = (await this.orders.byId(payment.orderId))!;
    if (seen) return { order, duplicate: true };

    if (callback.status === 'FAILED') {
      const changed = await this.store.inTransaction(async (client) => {
        if (!(await PaymentStore.claimCallback(client, callback.eventId, payment.id, 'FAILED'))) return false;
        // A decline for a payment already captured contradicts the provider's earlier word;
        // the capture stands (the money moved) and the callback is kept for the record.
        return PaymentStore.setStatus(client, payment.id, 'FAILED', ['PENDING']);
      });
      return { order: (await this.orders.byId(order.id))!, duplicate: !changed };
    }

    if (CAPTURED_STATES.includes(payment.status)) {
      // The provider repeating a capture already handled, under a new event id: one charge,
      // already settled one way or the other; recorded, nothing else moves.
      await this.store.inTransaction((client) => PaymentStore.claimCallback(client, callback.eventId, payment.id, 'SUCCEEDED'));
      return { order, duplicate: true };
    }

    if (order.status === 'PENDING_PAYMENT' && (await this.inventory.confirm(order.reservationId))) {
      const paid = await this.orders.move(order, 'pay', `payment ${payment.id}`, PaymentStore.capturePays(order.id, payment.id, callback.eventId));
      if (paid) return { order: paid, duplicate: false };
      // Nothing was written: the callback was recorded meanwhile (the refund path's claim then
      // fails and answers duplicate), or the order or payment moved on while we confirmed, and
      // the money cannot be used.
    }
    return this.refundCapture(payment, callback.eventId);
  }

  /** Money captured for a payment the order cannot use goes back through the provider, once. */
  private async refundCapture(payment: PaymentRow, eventId: string): Promise<{ order: OrderRow; duplicate: boolean }> {
    const order = (await this.orders.byId(payment.orderId))!;
    // Never paid: the hold was released before the money came (late). Paid: another payment
    // already paid it (duplicate capture).
    const late = order.status === 'PENDING_PAYMENT' || order.status === 'CANCELLED';
    const cause = `${late ? 'late-capture' : 'duplicate-capture'}:${payment.id}`;
    const reason = late ? 'payment arrived after the hold was released' : 'the order was already paid by another payment';
    let claimed = false;
    const refund = await this.store.inTransaction(async (client) => {
      claimed = await PaymentStore.claimCallback(client, eventId, payment.id, 'SUCCEEDED');
      if (!claimed) return undefined;
      if (!(await PaymentStore.setStatus(client, payment.id, 'CAPTURED', ['PENDING', 'FAILED', 'EXPIRED']))) return undefined;
      return PaymentStore.requestRefund(client, { id: randomUUID(), paymentId: payment.id, amountFen: payment.amountFen, reason, cause });
    });
    if (!refund) return { order, duplicate: true };
    this.logger.warn({ orderId: order.id, paymentId: payment.id, cause }, 'captured payment cannot be used; refunding');
    await this.settle(refund);
    return { order: (await this.orders.byId(order.id))!, duplicate: false };
  }

  /**
   * Cancels a paid order before it is packed: the order becomes REFUNDED (with its
   * `order.refunded` event) in the same transaction that records the refund, then the provider
   * pays it back. The units stay sold: inventory has no way to return a confirmed hold.
   */
  async refundPaidOrder(order: OrderRow, reason: string, cause = `order-cancelled:${order.id}`): Promise<OrderRow> {
    const payment = await this.store.liveOf(order.id);
    if (!payment || payment.status !== 'SUCCEEDED') throw new DomainError('INVALID_STATE', 'the order has no captured payment to refund');
    let refund: RefundRow | undefined;
    const refunded = await this.orders.apply(
      order.id,
      'refund',
      reason,
      async (client) => {
        refund = await PaymentStore.requestRefund(client, { id: randomUUID(), paymentId: payment.id, amountFen: payment.amountFen, reason, cause });
        return refund !== undefined;
      },
      undefined,
      { paymentId: payment.id, refundFen: payment.amountFen },
    );
    if (!refunded || !refund) {
      const now = (await this.orders.byId(order.id))!;
      throw new DomainError('INVALID_STATE', `cannot cancel an order that is ${now.status}`);
    }
    await this.settle(refund);
    return (await this.orders.byId(order.id))!;
  }

  /**
   * An after-sales refund of `refundFen` for one cause (a case, a shortage), recorded in the same
   * transaction as the caller's own change (`within`) and the order's refund event, then asked of
   * the provider. The whole remainder is a full refund (order REFUNDED, `order.refunded`); less
   * is partial (`order.partially_refunded`, the order keeps its status); more is refused, as is
   * a cause already refunded. `refundFen` 0 records nothing but still runs `within`.
   */
  async refundAfterSales(
    order: OrderRow,
    r: { refundFen: number; cause: string; reason: string; caseId: string },
    within: (client: PoolClient, refund: { kind: 'none' | 'full' | 'partial'; refundId: string }) => Promise<void>,
    first?: (client: PoolClient) => Promise<void>,
  ): Promise<RefundRow | undefined> {
    const payment = await this.store.liveOf(order.id);
    if (r.refundFen > 0 && payment?.status !== 'SUCCEEDED') throw new DomainError('INVALID_STATE', 'the order has no captured payment left to refund');
    let refund: RefundRow | undefined;
    await this.store.inTransaction(async (client) => {
      // The caller's own lock and checks (e.g. the case), taken before the payment's.
      await first?.(client);
      if (r.refundFen === 0 || !payment) return within(client, { kind: 'none', refundId: '' });
      const refunded = await PaymentStore.lockRefundedFen(client, payment.id);
      const kind = refundKind(payment.amountFen, refunded, r.refundFen);
      if (!kind.ok) throw new DomainError(kind.code, kind.message, { paidFen: payment.amountFen, refundedFen: refunded });
      const id = randomUUID();
      refund = await PaymentStore.requestRefund(client, { id, paymentId: payment.id, amountFen: r.refundFen, reason: r.reason, cause: r.cause });
      if (refund?.id !== id) throw new DomainError('INVALID_STATE', `a refund for ${r.cause} was already recorded`);
      const fields = { paymentId: payment.id, refundId: refund.id, refundFen: refund.amountFen, cause: r.cause, ...(r.caseId ? { caseId: r.caseId } : {}) };
      if (kind.value === 'full') {
        const row = await this.orders.applyWithin(client, order.id, 'refundAfterSales', r.reason, undefined, fields);
        if (!row || row === 'aborted') throw new DomainError('INVALID_STATE', `cannot refund an order that is ${(await this.orders.byId(order.id))?.status}`);
      } else {
        await this.orders.enqueuePartialRefund(client, order, fields);
      }
      await within(client, { kind: kind.value, refundId: refund.id });
    });
    if (refund) await this.settle(refund);
    return refund;
  }

  /** Asks the provider for a recorded refund and writes its answer; an unknown outcome is retried later. */
  private async settle(refund: RefundRow): Promise<void> {
    try {
      const outcome = await this.provider.refund(refund.paymentId, refund.amountFen, refund.reason, { refundId: refund.id });
      await this.store.settleRefund(refund.id, outcome);
      if (outcome.status === 'FAILED') this.logger.error({ refundId: refund.id, paymentId: refund.paymentId, failure: outcome.failure }, 'provider refused a refund');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, refundId: refund.id }, 'refund outcome unknown; will ask again');
    }
  }

  /** Refunds left REQUESTED by a pod that died, or whose provider call failed, are asked for again. */
  async retryStaleRefunds(staleMs: number): Promise<number> {
    const stale = await this.store.claimStaleRefunds(staleMs);
    for (const refund of stale) await this.settle(refund);
    return stale.length;
  }

  reconciliation(stuckAfterMs: number, limit: number) {
    return this.store.reconciliation(stuckAfterMs, Math.min(Math.max(limit || 200, 1), 1000));
  }
}
