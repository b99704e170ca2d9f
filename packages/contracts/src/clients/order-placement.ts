// Placing orders from a front door (the gateway's REST API, the live room's socket): placements
// made at the same moment travel to the order service in one PlaceOrders call.
import { BatchedRpc, BoundedMap, RedisTokenBuckets, type Redis, type RpcClient } from '@lc/kit';
import type { OrderServiceClient, PlaceOrderRequest, PlaceOrderResponse } from '../gen/livecommerce/v1/order.js';
import type { Stock } from '../views/flash-sale.js';

export type PlaceOrder = (request: PlaceOrderRequest) => Promise<PlaceOrderResponse>;

/**
 * The (buyer, key) pairs that placed a flash-sale order, kept a day in Redis. The order service
 * marks each one before its answer leaves, so a winner whose answer was lost on the way (a front
 * door's deadline passed) is still found. A front door whose sold-out board says "sold out" sends
 * only these keys on (a winner retrying over a flaky network); a loser's tap stays one Redis read
 * and an answer from memory.
 */
export class PlacedKeys {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 86_400,
  ) {}

  private key(buyerId: string, idempotencyKey: string): string {
    return `${this.prefix}placed:${buyerId}:${idempotencyKey}`;
  }

  async remember(buyerId: string, idempotencyKey: string): Promise<void> {
    await this.redis.set(this.key(buyerId, idempotencyKey), '1', 'EX', this.ttlSeconds);
  }

  async has(buyerId: string, idempotencyKey: string): Promise<boolean> {
    return (await this.redis.exists(this.key(buyerId, idempotencyKey))) === 1;
  }
}

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

/** What the board reads of inventory's `inventory.stock.changed` events (their payload is the `Stock` view). */
export type StockChange = Pick<Stock, 'flashSaleId' | 'available' | 'atMs'>;

/** Pools remembered at once; the oldest-told beyond this are forgotten (ended pools drift out). */
export const SOLD_OUT_BOARD_MAX_POOLS = 10_000;

/**
 * What a front door (a gateway pod, a live-room pod) knows about pools that are sold out, told by
 * inventory's stock events, so a sold-out pool is answered from memory. Only the newest event per
 * pool counts.
 */
export class SoldOutBoard {
  // Forgetting a pool only costs its fast path: the order service still answers SOLD_OUT.
  private readonly latest: BoundedMap<string, StockChange>;

  constructor(maxPools = SOLD_OUT_BOARD_MAX_POOLS) {
    this.latest = new BoundedMap(maxPools);
  }

  apply(change: StockChange): void {
    const known = this.latest.get(change.flashSaleId);
    if (known && known.atMs > change.atMs) return;
    this.latest.set(change.flashSaleId, change);
  }

  isSoldOut(flashSaleId: string): boolean {
    return this.latest.get(flashSaleId)?.available === 0;
  }

  get size(): number {
    return this.latest.size;
  }
}
