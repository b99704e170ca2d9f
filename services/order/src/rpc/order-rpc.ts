// OrderService gRPC handlers.
import { DomainError, serveBatch, unaryService, type Logger } from '@lc/kit';
import { OrderStatus, ShareLinkStatus, orderCore, placeOrderOutcomeOf, type Order, type PlacedKeys, type OrderServiceServer, type PlaceOrderRequest, type PlaceOrderResponse } from '@lc/contracts';
import type { OrderRow } from '../adapters/order-store.js';
import type { OrderConfig } from '../config.js';
import type { Orders } from '../orders.js';
import type { Payments } from '../payments.js';
import type { AfterSales } from '../after-sales.js';

/** The request's actor, which every call naming one must carry. */
export const actorOf = <A extends { userId: string; role: string }>(a: A | undefined): A => {
  if (!a?.userId || !a.role) throw new DomainError('INVALID_ARGUMENT', 'actor: required');
  return a;
};

export function orderRpc(orders: Orders, payments: Payments, afterSales: AfterSales, placed: PlacedKeys, config: Pick<OrderConfig, 'PAYMENT_SETTLE_TIMEOUT_MS'>, logger: Logger): OrderServiceServer {
  const placeOrder = async (req: PlaceOrderRequest): Promise<PlaceOrderResponse> => {
    const result = await orders.place(req);
    // Marked before the answer leaves: a winner whose answer is lost and who retries once the pool
    // shows sold out is sent on by the front door, not told "sold out".
    if (result.outcome === 'PLACED' && req.flashSaleId) await placed.remember(req.buyerId, req.idempotencyKey);
    if (result.outcome !== 'PLACED') return { outcome: placeOrderOutcomeOf(result.outcome), replayed: false, shareLink: ShareLinkStatus.SHARE_LINK_STATUS_UNSPECIFIED };
    const shareLink = result.shareLink ? ShareLinkStatus[`SHARE_LINK_STATUS_${result.shareLink}`] : ShareLinkStatus.SHARE_LINK_STATUS_UNSPECIFIED;
    return { outcome: placeOrderOutcomeOf('PLACED'), order: toOrder(result.order), replayed: result.replayed, shareLink };
  };
  return unaryService<OrderServiceServer>(
    {
      placeOrder,
      async placeOrders(req) {
        return { results: await serveBatch('PlaceOrder', req.items, placeOrder, logger) };
      },
      async findPlacedOrder(req) {
        if (!req.request) throw new DomainError('INVALID_ARGUMENT', 'request: required');
        const order = await orders.findPlaced(req.request);
        return order ? { order: toOrder(order) } : {};
      },
      async getOrder(req) {
        return { order: toOrder(await orders.get(req.orderId, req.buyerId)) };
      },
      async listOrders(req) {
        return { orders: (await orders.list(req.buyerId, req.limit)).map(toOrder) };
      },
      async payOrder(req) {
        const { order, paymentId } = await orders.pay(req.orderId, req.buyerId);
        return { order: toOrder(order), paymentId };
      },
      async handlePaymentCallback(req) {
        const { order, duplicate } = await orders.handleCallback(req.body, req.signature);
        return { order: toOrder(order), duplicate };
      },
      async cancelOrder(req) {
        return { order: toOrder(await orders.cancel(req.orderId, req.buyerId)) };
      },
      async reconcilePayments(req) {
        return payments.reconciliation(config.PAYMENT_SETTLE_TIMEOUT_MS, req.limit);
      },
      async getBuyerPickupPoint(req) {
        return { pickupPoint: await orders.buyerPickupPoint(req.buyerId) };
      },
      async setBuyerPickupPoint(req) {
        return { pickupPoint: await orders.choosePickupPoint(req.buyerId, req.pickupPointId) };
      },
      async openAfterSales(req) {
        return { afterSales: await afterSales.open(actorOf(req.actor), { orderId: req.orderId, kind: req.kind, text: req.text, photos: req.photos }) };
      },
      async getAfterSales(req) {
        return { afterSales: await afterSales.get(actorOf(req.actor), req.caseId) };
      },
      async listAfterSales(req) {
        return { cases: await afterSales.list(actorOf(req.actor), req) };
      },
      async getAfterSalesPhoto(req) {
        return afterSales.photo(actorOf(req.actor), req.caseId, req.photoId);
      },
      async answerAfterSales(req) {
        return { afterSales: await afterSales.answer(actorOf(req.actor), req.caseId, req.text) };
      },
      async resolveAfterSales(req) {
        return { afterSales: await afterSales.resolve(actorOf(req.actor), req.caseId, req.refundFen, req.note) };
      },
      async afterSalesReport(req) {
        return afterSales.report(req.limit);
      },
    },
    logger,
  );
}

export function toOrder(o: OrderRow): Order {
  return {
    ...orderCore(o),
    status: OrderStatus[`ORDER_STATUS_${o.status}`],
    paymentDeadlineMs: o.paymentDeadlineMs,
    createdAtMs: o.createdAtMs,
    timeline: o.timeline.map((t) => ({ status: OrderStatus[`ORDER_STATUS_${t.status}`], atMs: t.atMs, note: t.note })),
  };
}
