// Buyer order endpoints: place (idempotent by key, rate-limited in Redis with the socket's
// order:place, sold-out answered from memory unless the key already won),
// read, list, pay, cancel. A buyer only ever reaches their own orders.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RedisTokenBuckets, type RpcClient } from '@lc/kit';
import { PlaceOrderOutcome, idempotencyKey, orderJson, placeOrderRefusal, qty, shareLinkOutcome, type OrderServiceClient, type PlaceOrder, type PlacedKeys, type PlaceOrderRequest } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import type { SoldOutBoard } from '../domain/sold-out-board.js';
import { registerRoutes } from './route-table.js';
import { id, parse, uuid } from './validation.js';

const placeBody = z.object({
  // A flash sale, or (without one) a SKU bought at its list price.
  flashSaleId: uuid('flashSaleId').optional(),
  skuId: uuid('skuId').optional(),
  qty,
  liveSessionId: z.string().max(100).optional(),
  // A leader's signed share link (`share` in the link's URL); the order service checks it.
  shareToken: z.string({ error: 'shareToken must be a string' }).min(1, 'shareToken must not be empty').max(2000, 'shareToken: at most 2000 characters').optional(),
  // Where the parcel should go; without it, the buyer's chosen point, else their leader's.
  pickupPointId: id('pickupPointId').optional(),
});

const keyHeader = idempotencyKey('Idempotency-Key header');
const byId = z.object({ id: uuid('id') });

export function orderRoutes(
  app: FastifyInstance,
  deps: { auth: Auth; orders: RpcClient<OrderServiceClient>; placeOrder: PlaceOrder; placed: PlacedKeys; soldOut: SoldOutBoard; rateLimit: RedisTokenBuckets; skuOfSale: (flashSaleId: string) => Promise<string> },
) {
  const { auth, orders, placeOrder, placed, soldOut, rateLimit, skuOfSale } = deps;

  async function placeOrderHandler(request: FastifyRequest, reply: FastifyReply) {
    const buyer = currentUser(request);
    const key = parse(keyHeader, request.headers['idempotency-key']);
    // A leader named by the buyer could be anyone's: only a signed link credits a leader.
    if (request.body && typeof request.body === 'object' && 'leaderId' in request.body) {
      throw new DomainError('INVALID_ARGUMENT', "leaderId: not accepted; pass the leader's share link token as shareToken");
    }
    const body = parse(placeBody, request.body);
    if (!body.flashSaleId && !body.skuId) throw new DomainError('INVALID_ARGUMENT', 'flashSaleId or skuId: one is required');
    // A sold-out pool answers a loser from memory and one Redis read, without spending their order
    // budget; only a key that placed an order (a retry over a flaky network) goes further.
    const soldOutPool = body.flashSaleId !== undefined && soldOut.isSoldOut(body.flashSaleId);
    if (soldOutPool && !(await placed.has(buyer.id, key))) throw placeOrderRefusal(PlaceOrderOutcome.PLACE_ORDER_OUTCOME_SOLD_OUT);
    const rate = await rateLimit.take(buyer.id);
    if (!rate.taken) throw new DomainError('RATE_LIMITED', 'too many orders at once, slow down', { retryAfterMs: rate.retryAfterMs });
    const placement: PlaceOrderRequest = {
      buyerId: buyer.id,
      idempotencyKey: key,
      flashSaleId: body.flashSaleId ?? '',
      skuId: body.flashSaleId ? '' : body.skuId!,
      qty: body.qty,
      liveSessionId: body.liveSessionId ?? '',
      leaderId: '',
      pickupPointId: body.pickupPointId ?? '',
      shareToken: body.shareToken ?? '',
    };
    if (body.flashSaleId) {
      if (soldOutPool) {
        // A key that placed an order: one read by the (buyer, key) unique index in the order
        // service, reserving nothing. Not found (rare: replaced meanwhile), the placement below
        // (inventory knows the key) answers.
        const { order } = await orders.call((c) => c.findPlacedOrder, { request: placement }, { idempotent: true });
        if (order) return reply.code(200).send(orderJson(order));
      }
      if (body.skuId && body.skuId !== (await skuOfSale(body.flashSaleId))) throw new DomainError('INVALID_ARGUMENT', 'skuId: not the SKU of this flash sale');
    }
    const result = await placeOrder(placement);
    if (result.outcome !== PlaceOrderOutcome.PLACE_ORDER_OUTCOME_PLACED || !result.order) throw placeOrderRefusal(result.outcome);
    const shareLink = shareLinkOutcome(result.shareLink);
    return reply.code(result.replayed ? 200 : 201).send({ ...orderJson(result.order), ...(shareLink ? { shareLink } : {}) });
  }

  async function listOrdersHandler(request: FastifyRequest) {
    const { orders: list } = await orders.call((c) => c.listOrders, { buyerId: currentUser(request).id, limit: 100 }, { idempotent: true });
    return { orders: list.map(orderJson) };
  }

  async function getOrderHandler(request: FastifyRequest) {
    const { id: orderId } = parse(byId, request.params);
    const { order } = await orders.call((c) => c.getOrder, { orderId, buyerId: currentUser(request).id }, { idempotent: true });
    return orderJson(order!);
  }

  async function payOrderHandler(request: FastifyRequest) {
    const { id: orderId } = parse(byId, request.params);
    const { order, paymentId } = await orders.call((c) => c.payOrder, { orderId, buyerId: currentUser(request).id }, { deadlineMs: 10_000 });
    return { ...orderJson(order!), paymentId };
  }

  async function cancelOrderHandler(request: FastifyRequest) {
    const { id: orderId } = parse(byId, request.params);
    const { order } = await orders.call((c) => c.cancelOrder, { orderId, buyerId: currentUser(request).id }, { idempotent: true });
    return orderJson(order!);
  }

  registerRoutes(app, auth, [
    { method: 'POST', url: '/api/v1/orders', roles: ['buyer'], handler: placeOrderHandler },
    { method: 'GET', url: '/api/v1/orders', roles: ['buyer'], handler: listOrdersHandler },
    { method: 'GET', url: '/api/v1/orders/:id', roles: ['buyer'], handler: getOrderHandler },
    { method: 'POST', url: '/api/v1/orders/:id/pay', roles: ['buyer'], handler: payOrderHandler },
    { method: 'POST', url: '/api/v1/orders/:id/cancel', roles: ['buyer'], handler: cancelOrderHandler },
  ]);
}
