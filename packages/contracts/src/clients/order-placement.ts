// Placing orders from a front door (the gateway's REST API, the live room's socket): placements
// made at the same moment travel to the order service in one PlaceOrders call.
import { BatchedRpc, RedisTokenBuckets, type Redis, type RpcClient } from '@lc/kit';
import type { OrderServiceClient, PlaceOrderRequest, PlaceOrderResponse } from '../gen/livecommerce/v1/order.js';

export type PlaceOrder = (request: PlaceOrderRequest) => Promise<PlaceOrderResponse>;

export function batchedOrderPlacement(orders: RpcClient<OrderServiceClient>): PlaceOrder {
  // Every item carries the buyer's idempotency key, so a batch may be sent again.
  const rpc = new BatchedRpc<PlaceOrderRequest, PlaceOrderResponse>(
    async (items) => (await orders.call((c) => c.placeOrders, { items }, { idempotent: true, deadlineMs: 5000 })).results,
    { name: 'PlaceOrders' },
  );
  return (request) => rpc.call(request);
}

/**
 * The per-buyer order rate, one budget for every front door: REST on any gateway pod and the
 * socket's order:place on any live-room pod take from the same Redis bucket.
 */
export function orderRateLimit(redis: Redis, redisPrefix: string, perSecond: number, burst: number): RedisTokenBuckets {
  return new RedisTokenBuckets(redis, `${redisPrefix}order-rate:`, perSecond, burst);
}
