// Placing, paying, cancelling and expiring orders. The inventory reservation's state decides
// races between paying and cancelling: whoever settles the hold first wins.
import { createHash, randomUUID } from 'node:crypto';
import { DomainError, type Logger } from '@lc/kit';
import { BOUNDS, ReserveOutcome, isOrderQty, pickupPointRefusal, saleRefusalOf, type PickupPointRef, type SaleRefusal } from '@lc/contracts';
import type { InventoryClient } from './adapters/inventory-client.js';
import type { PickupChoiceStore } from './adapters/pickup-choice-store.js';
import type { PickupPointDirectory } from './adapters/pickup-point-directory.js';
import type { OrderStore, OrderRow } from './adapters/order-store.js';
import { PaymentStore } from './adapters/payment-store.js';
import type { ShareTokens } from './adapters/share-tokens.js';
import { shareLinkLeader, shareLinkStatus, type ShareLinkStatusName, type ShareTokenReading } from './domain/share-link.js';
import { groupBuyOfPoolMark } from './domain/group-buy.js';
import { transition } from './domain/order-status.js';
import type { Payments } from './payments.js';

export interface PlaceOrder {
  buyerId: string;
  idempotencyKey: string;
  flashSaleId: string;
  qty: number;
  liveSessionId: string;
  leaderId: string;
  /** Set instead of `flashSaleId` for an order at list price. */
  skuId: string;
  /** Where the parcel should go; empty for the buyer's chosen point, else their leader's. */
  pickupPointId: string;
  /** A leader's signed share link token; empty for none. */
  shareToken: string;
  /** The group buy whose pool `flashSaleId` is (set by GroupBuys only: its pool takes no other orders). */
  groupBuyId?: string;
}

export type PlaceResult =
  | { outcome: 'PLACED'; order: OrderRow; replayed: boolean; shareLink?: ShareLinkStatusName }
  | { outcome: SaleRefusal };

/** Validates a placement and returns the hash that tells a replay from a reused key. */
function checkedRequestHash(req: PlaceOrder): string {
  if (!req.buyerId) throw new DomainError('INVALID_ARGUMENT', 'buyerId: required');
  if (!req.idempotencyKey || req.idempotencyKey.length > 100) throw new DomainError('INVALID_ARGUMENT', 'Idempotency-Key: required, at most 100 characters');
  if (!req.flashSaleId === !req.skuId) throw new DomainError('INVALID_ARGUMENT', 'flashSaleId or skuId: exactly one is required');
  if (!isOrderQty(req.qty)) throw new DomainError('INVALID_ARGUMENT', `qty: must be an integer from ${BOUNDS.qty.min} to ${BOUNDS.qty.max}`);
  return createHash('sha256')
    // A named pickup point is part of the request (left out when unnamed, so older hashes hold).
    // Likewise a share token and a group buy.
    .update(JSON.stringify([req.flashSaleId || `sku:${req.skuId}`, req.qty, req.liveSessionId, req.leaderId, ...(req.pickupPointId ? [req.pickupPointId] : []), ...(req.shareToken ? [{ share: req.shareToken }] : []), ...(req.groupBuyId ? [`group-buy:${req.groupBuyId}`] : [])]))
    .digest('hex');
}

export class Orders {
  constructor(
    private readonly store: OrderStore,
    private readonly inventory: InventoryClient,
    private readonly payments: Payments,
    private readonly logger: Logger,
    private readonly points: PickupPointDirectory,
    private readonly choices: PickupChoiceStore,
    private readonly shareTokens: ShareTokens,
  ) {}

  /**
   * Places an order. A share token that is not valid for it binds nobody but does not stop the
   * order: the buyer came for the goods, and the link's fault is not theirs; the answer says what
   * the link did (shareLink) so the page can tell them.
   */
  async place(req: PlaceOrder): Promise<PlaceResult> {
    if (req.shareToken.length > 2000) throw new DomainError('INVALID_ARGUMENT', 'shareToken: at most 2000 characters');
    const link = req.shareToken ? await this.shareTokens.read(req.shareToken) : undefined;
    const result = await this.placeWithLink(req, link);
    if (result.outcome !== 'PLACED') return result;
    const shareLink = shareLinkStatus(link, result.order);
    return shareLink ? { ...result, shareLink } : result;
  }

  private async placeWithLink(req: PlaceOrder, link: ShareTokenReading | undefined): Promise<PlaceResult> {
    const requestHash = checkedRequestHash(req);
    // A list-price order's scope is known before anything is held; a flash sale's once it is.
    const listPriceLinkLeader = req.flashSaleId ? '' : shareLinkLeader(link, { liveSessionId: req.liveSessionId, skuId: req.skuId });
    const named = req.pickupPointId ? await this.points.point(req.pickupPointId) : undefined;
    if (req.pickupPointId && !named) throw new DomainError('INVALID_ARGUMENT', `pickupPointId: no pickup point ${req.pickupPointId}`);
    // Read beside the reservation, so the flash-sale path waits for neither alone.
    const chosen = named ? Promise.resolve('') : this.choices.of(req.buyerId);
    chosen.catch(() => undefined);
    // At list price with no leader in the request the buyer's own record is all there is: an
    // order with nowhere to go is refused before any stock is held.
    if (!named && !req.flashSaleId && !req.leaderId && !listPriceLinkLeader) await this.requireSomewhere(req.buyerId, await chosen);

    const hold = {
      buyerId: req.buyerId,
      qty: req.qty,
      // The buyer's key, scoped to the buyer: two buyers may pick the same key.
      idempotencyKey: `${req.buyerId}:${req.idempotencyKey}`,
    };
    // A flash sale goes through the batched hot path; an order at list price holds SKU stock.
    const reserved = req.flashSaleId
      ? await this.inventory.reserve({ flashSaleId: req.flashSaleId, ...hold })
      : await this.inventory.reserveStock({ skuId: req.skuId, ...hold });
    // Inventory saw this key before: the order (if any) the first answer produced is the answer.
    if (reserved.replayed || reserved.outcome !== ReserveOutcome.RESERVE_OUTCOME_RESERVED) {
      const existing = await this.store.byKey(req.buyerId, req.idempotencyKey);
      if (existing) return this.replay(existing, requestHash);
    }
    if (reserved.outcome !== ReserveOutcome.RESERVE_OUTCOME_RESERVED) {
      const refusal = saleRefusalOf(reserved.outcome, 'reserve');
      if (!refusal) throw new Error(`unexpected reserve outcome ${reserved.outcome}`);
      return { outcome: refusal };
    }
    // A group buy's pool takes only the group buy's own orders, which wait for its cut-off; one
    // reached around it (a flash-sale placement naming the pool) would skip the minimum.
    const poolGroupBuy = groupBuyOfPoolMark(reserved.liveSessionId);
    if (poolGroupBuy !== (req.groupBuyId ?? '')) {
      await this.inventory.release(reserved.reservationId, 'placed outside its group buy');
      throw new DomainError('INVALID_ARGUMENT', `flashSaleId: the pool of group buy ${poolGroupBuy || '(none)'}; order through /api/v1/group-buys/${poolGroupBuy}/orders`);
    }
    const orderId = randomUUID();
    // A group buy's pool carries its mark where a session would be: not a live session.
    const liveSessionId = req.liveSessionId || (poolGroupBuy ? '' : reserved.liveSessionId);
    const linkLeader = shareLinkLeader(link, { liveSessionId, skuId: reserved.skuId });
    const leaderId = await this.store.leaderOf(req.buyerId, linkLeader || req.leaderId || reserved.leaderId, orderId);
    const point = named ?? (await this.defaultPoint(req.buyerId, await chosen, leaderId));
    const refusal = deliveryRefusal(point, reserved.warehouseId);
    if (refusal) {
      // Rare: the hold goes back at once, so the refused order leaves nothing behind.
      await this.inventory.release(reserved.reservationId, refusal.message);
      throw refusal;
    }
    const order = await this.store.insert({
      id: orderId,
      buyerId: req.buyerId,
      leaderId,
      pickupPointId: point!.id,
      groupBuyId: poolGroupBuy,
      liveSessionId,
      flashSaleId: req.flashSaleId,
      skuId: reserved.skuId,
      warehouseId: reserved.warehouseId,
      qty: req.qty,
      unitPriceFen: reserved.unitPriceFen,
      totalFen: reserved.unitPriceFen * req.qty,
      status: 'PENDING_PAYMENT',
      reservationId: reserved.reservationId,
      paymentDeadlineMs: reserved.expiresAtMs,
      idempotencyKey: req.idempotencyKey,
      requestHash,
    });
    if (order) return { outcome: 'PLACED', order, replayed: false };
    // A concurrent request with the same key wrote first.
    const twin = await this.store.byKey(req.buyerId, req.idempotencyKey);
    if (!twin) throw new DomainError('UNAVAILABLE', 'try again');
    return this.replay(twin, requestHash);
  }

  /** The buyer's chosen point if it still exists, else their leader's. */
  private async defaultPoint(buyerId: string, chosenId: string, leaderId: string): Promise<PickupPointRef | undefined> {
    const chosen = chosenId ? await this.points.point(chosenId) : undefined;
    if (chosen) return chosen;
    const ofLeader = await this.points.ofLeader(leaderId);
    if (ofLeader) return ofLeader;
    // Before refusing, make sure no choice was made on another replica since it was cached.
    const fresh = await this.choices.fresh(buyerId);
    return fresh && fresh !== chosenId ? this.points.point(fresh) : undefined;
  }

  private async requireSomewhere(buyerId: string, chosenId: string): Promise<void> {
    if (await this.defaultPoint(buyerId, chosenId, await this.store.boundLeader(buyerId))) return;
    throw pickupPointRefusal('NO_PICKUP_POINT', 'pickupPointId: choose a pickup point first (you have none, and no leader with one)');
  }

  /** Where the buyer's orders go unless an order names a point: their choice, else their leader's. */
  async buyerPickupPoint(buyerId: string): Promise<{ pickupPointId: string; source: 'CHOSEN' | 'LEADER' | 'NONE' }> {
    if (!buyerId) throw new DomainError('INVALID_ARGUMENT', 'buyerId: required');
    const chosen = await this.choices.fresh(buyerId);
    if (chosen && (await this.points.point(chosen))) return { pickupPointId: chosen, source: 'CHOSEN' };
    const ofLeader = await this.points.ofLeader(await this.store.boundLeader(buyerId));
    return ofLeader ? { pickupPointId: ofLeader.id, source: 'LEADER' } : { pickupPointId: '', source: 'NONE' };
  }

  async choosePickupPoint(buyerId: string, pickupPointId: string): Promise<{ pickupPointId: string; source: 'CHOSEN' }> {
    if (!buyerId) throw new DomainError('INVALID_ARGUMENT', 'buyerId: required');
    if (!pickupPointId || !(await this.points.point(pickupPointId))) throw new DomainError('INVALID_ARGUMENT', `pickupPointId: no pickup point ${pickupPointId}`);
    await this.choices.choose(buyerId, pickupPointId);
    return { pickupPointId, source: 'CHOSEN' };
  }

  /**
   * The order already placed under the request's key, reserving nothing; undefined when the key
   * has none. Front doors ask this instead of `place` once a pool is sold out.
   */
  async findPlaced(req: PlaceOrder): Promise<OrderRow | undefined> {
    const requestHash = checkedRequestHash(req);
    const existing = await this.store.byKey(req.buyerId, req.idempotencyKey);
    if (!existing) return undefined;
    this.replay(existing, requestHash);
    return existing;
  }

  private replay(order: OrderRow, requestHash: string): PlaceResult {
    if (order.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key: already used for a different order', { orderId: order.id });
    }
    return { outcome: 'PLACED', order, replayed: true };
  }

  /** The order if `buyerId` may see it; another buyer's order reads as not found. */
  async get(orderId: string, buyerId: string): Promise<OrderRow> {
    const order = await this.store.byId(orderId);
    if (!order || (buyerId && order.buyerId !== buyerId)) throw new DomainError('NOT_FOUND', `no order ${orderId}`);
    return order;
  }

  list(buyerId: string, limit: number): Promise<OrderRow[]> {
    return this.store.ofBuyer(buyerId, Math.min(Math.max(limit || 50, 1), 200));
  }

  async pay(orderId: string, buyerId: string): Promise<{ order: OrderRow; paymentId: string }> {
    const order = await this.get(orderId, buyerId);
    if (order.status !== 'PENDING_PAYMENT') {
      if (order.status === 'CANCELLED') throw new DomainError('INVALID_STATE', 'order was cancelled');
      if (order.status === 'REFUNDED') throw new DomainError('INVALID_STATE', 'order was refunded');
      // Already paid: the answer is the intent that paid it, however often the buyer taps.
      return { order, paymentId: await this.payments.liveIntentOf(order.id) };
    }
    if (order.paymentDeadlineMs <= Date.now()) {
      await this.expire(order);
      throw new DomainError('HOLD_EXPIRED', 'the payment deadline has passed; the units went back on sale');
    }
    return this.payments.pay(order);
  }

  /** A provider callback: verified, applied at most once, and only if the hold still stands. */
  handleCallback(body: string, signature: string): Promise<{ order: OrderRow; duplicate: boolean }> {
    return this.payments.handleCallback(body, signature);
  }

  /** An unpaid order gives its units back; a paid one not yet packed is refunded in full. */
  async cancel(orderId: string, buyerId: string): Promise<OrderRow> {
    const order = await this.get(orderId, buyerId);
    if (order.status === 'PAID') return this.payments.refundPaidOrder(order, 'cancelled by buyer');
    const allowed = transition(order.status, 'cancel');
    if (!allowed.ok) throw new DomainError('INVALID_STATE', allowed.reason);
    const { status } = await this.inventory.release(order.reservationId, 'cancelled by buyer');
    if (status === 'CONFIRMED') {
      // A payment confirmed the hold first and is being applied.
      throw new DomainError('INVALID_STATE', 'the order is being paid and can no longer be cancelled');
    }
    return (await this.store.move(order, 'cancel', 'cancelled by buyer', PaymentStore.closesIntents(order.id))) ?? this.get(orderId, buyerId);
  }

  /**
   * Cancels an unpaid order whose deadline passed (or whose group buy closed), giving its units
   * back exactly once. False when a payment confirmed the hold first and is being applied.
   */
  async expire(order: OrderRow, reason = 'payment deadline passed'): Promise<boolean> {
    const { status } = await this.inventory.release(order.reservationId, reason);
    // RELEASED also when inventory's own sweeper or an earlier try got there first; CONFIRMED
    // means a payment is being applied and wins.
    if (status !== 'RELEASED') return false;
    await this.store.move(order, 'expire', reason, PaymentStore.closesIntents(order.id));
    return true;
  }

  async expireOverdue(): Promise<number> {
    const overdue = await this.store.unpaidPastDeadline();
    for (const order of overdue) {
      await this.expire(order).catch((err: unknown) => this.logger.warn({ err: (err as Error).message, orderId: order.id }, 'expiry deferred'));
    }
    return overdue.length;
  }
}

/** Why the parcel could not be delivered there, if it could not. */
function deliveryRefusal(point: PickupPointRef | undefined, warehouseId: string): DomainError | undefined {
  if (!point) return pickupPointRefusal('NO_PICKUP_POINT', 'pickupPointId: choose a pickup point first (you have none, and no leader with one)');
  if (point.warehouseId !== warehouseId) {
    return pickupPointRefusal('PICKUP_POINT_NOT_SERVED', `pickupPointId: ${point.id} is not served by warehouse ${warehouseId}, which ships this item; choose another point`, {
      pickupPointId: point.id,
      warehouseId,
    });
  }
  return undefined;
}
