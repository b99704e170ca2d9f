// The delivery run: dispatching a route, the driver's stops (arrived, handed over, positions that
// move ETAs), the leader's receipt and pickup counter, and the buyer's notifications and codes.
// Drivers reach only their own routes, leaders only their own pickup point.
import { DomainError, enqueueEvent, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { Actor, ArrivedEvent, Bag, DispatchedEvent, HandoverShortageEvent, PickedUpEvent, PickupCode, PickupPoint, Route, Shortage, Stop } from '@lc/contracts';
import type { BagStore } from './adapters/bag-store.js';
import type { DeliveryStore, LockedStop } from './adapters/delivery-store.js';
import type { PickupAttemptLimit } from './adapters/pickup-attempt-limit.js';
import type { WarehouseStore } from './adapters/warehouse-store.js';
import { bagFrom, stopFrom, stopTo, type StopTransition } from './domain/bag-status.js';
import { isUuid } from './domain/ids.js';
import { derivePickupCode, isPickupCode, pickupCodeHash } from './domain/pickup-code.js';
import { etasFrom } from './domain/route-planning.js';
import type { TravelTimeProvider } from './domain/travel-times.js';
import { FULFILLMENT_EVENTS, fulfillmentMsgId } from './events.js';
import { bagById } from './waves.js';

const isStaff = (a: Actor) => a.role === 'warehouse' || a.role === 'admin';
export interface DeliveryStores {
  deliveries: DeliveryStore;
  bags: BagStore;
  warehouses: WarehouseStore;
}

/** The route as the API shows it; a missing one is "not found". */
export async function routeView(store: DeliveryStore, db: Pool | PoolClient, routeId: string): Promise<Route> {
  const route = await store.route(db, routeId);
  if (!route) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
  return route;
}

export class Deliveries {
  private readonly store: DeliveryStore;
  private readonly bags: BagStore;
  private readonly warehouses: WarehouseStore;

  constructor(
    private readonly pool: Pool,
    stores: DeliveryStores,
    private readonly travelTimes: TravelTimeProvider,
    private readonly codeSecret: string,
    private readonly attempts: PickupAttemptLimit,
  ) {
    this.store = stores.deliveries;
    this.bags = stores.bags;
    this.warehouses = stores.warehouses;
  }

  private routeView(routeId: string): Promise<Route> {
    return routeView(this.store, this.pool, routeId);
  }

  async getRoute(actor: Actor, routeId: string): Promise<Route> {
    if (!isUuid(routeId)) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
    const route = await this.routeView(routeId);
    if (!isStaff(actor) && route.driverId !== actor.userId) throw new DomainError('FORBIDDEN', 'this route is not yours');
    return route;
  }

  /** Every packed bag on the route goes OUT_FOR_DELIVERY; a route with unpacked bags stays home. */
  async dispatch(routeId: string): Promise<Route> {
    if (!isUuid(routeId)) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
    await inTransaction(this.pool, async (client) => {
      const r = await this.store.lockRoute(client, routeId);
      if (!r) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
      if (r.superseded) throw new DomainError('INVALID_STATE', `route ${routeId} was replaced by a newer plan`);
      if (r.status !== 'PLANNED') return;
      const unpacked = await this.bags.unpackedLabels(client, routeId);
      if (unpacked.length) {
        throw new DomainError('INVALID_STATE', `route ${routeId} has ${unpacked.length} unpacked bag(s)`, { unpackedBags: unpacked });
      }
      for (const b of await this.bags.dispatchRoute(client, routeId)) {
        const event: DispatchedEvent = { orderId: b.orderId, routeId, bagId: b.id, atMs: b.atMs };
        await enqueueEvent(client, FULFILLMENT_EVENTS.dispatched, event, fulfillmentMsgId(b.orderId, 'OUT_FOR_DELIVERY'));
      }
      await this.store.markDispatched(client, routeId);
    });
    return this.routeView(routeId);
  }

  /** The driver's current run: the one on the road, else the next planned one. */
  async driverRoute(actor: Actor): Promise<Route | undefined> {
    const routeId = await this.store.currentRouteId(actor.userId);
    return routeId ? this.routeView(routeId) : undefined;
  }

  /** Locks the stop and checks the actor may move it; answers whether the transition applies. */
  private async lockStop(client: PoolClient, actor: Actor, stopId: string, t: StopTransition) {
    if (!isUuid(stopId)) throw new DomainError('NOT_FOUND', `stopId: no stop ${stopId}`);
    const s = await this.store.lockStop(client, stopId);
    if (!s) throw new DomainError('NOT_FOUND', `stopId: no stop ${stopId}`);
    const owner = t === 'receive' ? s.leaderId : s.driverId;
    if (actor.role !== 'admin' && owner !== actor.userId) throw new DomainError('FORBIDDEN', t === 'receive' ? 'this stop is not at your pickup point' : 'this stop is not on your route');
    if (s.superseded || s.routeStatus === 'PLANNED') throw new DomainError('INVALID_STATE', 'the route has not been dispatched');
    const order = ['PENDING', 'ARRIVED', 'HANDED_OVER', 'RECEIVED'];
    // Already at or past the target: a retried request, answered without changing anything.
    if (order.indexOf(s.status) >= order.indexOf(stopTo(t))) return { stop: s, apply: false };
    if (s.status !== stopFrom(t)) throw new DomainError('INVALID_STATE', `stop ${stopId} is ${s.status}; it must be ${stopFrom(t)} first`);
    return { stop: s, apply: true };
  }

  private async stopView(stopId: string): Promise<Stop> {
    const route = await this.routeView(await this.store.routeIdOfStop(stopId));
    return route.stops.find((s) => s.id === stopId)!;
  }

  /**
   * Arrival: the stop's parcels are READY_FOR_PICKUP. Buyers hear it from their inbox (live-room's
   * notices, from the order event this arrival leads to), which asks here for the pickup code.
   */
  async arrive(actor: Actor, stopId: string): Promise<Stop> {
    await inTransaction(this.pool, async (client) => {
      const { apply } = await this.lockStop(client, actor, stopId, 'arrive');
      if (!apply) return;
      await this.store.moveStop(client, stopId, 'arrive');
      const bags = await this.bags.arriveAtStop(client, stopId);
      for (const b of bags) {
        const event: ArrivedEvent = { orderId: b.orderId, pickupPointId: b.pickupPointId, buyerId: b.buyerId, bagId: b.id, atMs: b.atMs };
        await enqueueEvent(client, FULFILLMENT_EVENTS.arrived, event, fulfillmentMsgId(b.orderId, 'READY_FOR_PICKUP'));
      }
    });
    return this.stopView(stopId);
  }

  /** The driver hands the stop's parcels to the leader, naming any units missing. */
  async handOver(actor: Actor, stopId: string, shortages: Shortage[] = []): Promise<Stop> {
    await inTransaction(this.pool, async (client) => {
      const { stop, apply } = await this.lockStop(client, actor, stopId, 'handOver');
      await this.reportShortages(client, actor, stop, shortages, 'handover');
      if (!apply) return;
      await this.store.moveStop(client, stopId, 'handOver');
      await this.store.completeIfDone(client, stop.routeId);
    });
    return this.stopView(stopId);
  }

  /** The leader confirms the driver's hand-over at their pickup point, naming any units missing. */
  async receive(actor: Actor, stopId: string, shortages: Shortage[] = []): Promise<Stop> {
    await inTransaction(this.pool, async (client) => {
      const { stop, apply } = await this.lockStop(client, actor, stopId, 'receive');
      await this.reportShortages(client, actor, stop, shortages, 'receipt');
      if (apply) await this.store.moveStop(client, stopId, 'receive');
    });
    return this.stopView(stopId);
  }

  /**
   * Shortages name orders delivered at this stop and at most their units; each order's first
   * report is recorded and published (fulfillment.handover.shortage), later ones change nothing.
   */
  private async reportShortages(client: PoolClient, actor: Actor, stop: LockedStop, shortages: Shortage[], stage: 'handover' | 'receipt') {
    if (!shortages.length) return;
    const bags = await this.store.bagsAtStop(client, stop.id);
    for (const [i, s] of shortages.entries()) {
      const bag = bags.get(s.orderId);
      if (!bag) throw new DomainError('INVALID_ARGUMENT', `shortages[${i}].orderId: no parcel of order ${s.orderId} at this stop`);
      if (!Number.isSafeInteger(s.missingQty) || s.missingQty < 1 || s.missingQty > bag.qty) {
        throw new DomainError('INVALID_ARGUMENT', `shortages[${i}].missingQty: from 1 to the parcel's ${bag.qty} units`);
      }
    }
    for (const s of shortages) {
      const bag = bags.get(s.orderId)!;
      if (!(await this.store.recordShortage(client, { orderId: s.orderId, stopId: stop.id, bagId: bag.bagId, missingQty: s.missingQty, reportedBy: actor.userId, stage }))) continue;
      const event: HandoverShortageEvent = { orderId: s.orderId, buyerId: bag.buyerId, leaderId: stop.leaderId, skuId: bag.skuId, missingQty: s.missingQty, reportedBy: actor.userId, atMs: Date.now() };
      await enqueueEvent(client, FULFILLMENT_EVENTS.shortage, event, `fulfillment:${s.orderId}:SHORTAGE`);
    }
  }

  /** A position report re-estimates the arrival at each stop not yet reached. */
  async position(actor: Actor, lat: number, lng: number): Promise<Route> {
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new DomainError('INVALID_ARGUMENT', 'lat: must be a latitude between -90 and 90');
    if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw new DomainError('INVALID_ARGUMENT', 'lng: must be a longitude between -180 and 180');
    const routeId = await this.store.dispatchedRouteId(actor.userId);
    if (!routeId) throw new DomainError('INVALID_STATE', 'no route of yours is on the road');
    const route = await this.routeView(routeId);
    const remaining = route.stops.filter((s) => s.status === 'PENDING');
    const now = Date.now();
    const { durations } = await this.travelTimes.matrix([{ lat, lng }, ...remaining.map((s) => ({ lat: s.lat, lng: s.lng }))]);
    const legs = remaining.map((_, i) => durations[i]?.[i + 1] ?? 0);
    const service = await this.store.serviceSeconds(route.id);
    const etas = etasFrom(now, legs, remaining.map((s) => ({ windowStartAtMs: s.windowStartAtMs, serviceSeconds: service.get(s.id) ?? 0 })));
    await inTransaction(this.pool, async (client) => {
      await this.store.savePosition(client, route.id, lat, lng);
      for (const [i, s] of remaining.entries()) await this.store.setEta(client, s.id, etas[i]!);
    });
    return this.routeView(route.id);
  }

  private async pointOfLeader(actor: Actor): Promise<PickupPoint> {
    const point = await this.warehouses.pickupPoint({ leaderId: actor.userId });
    if (!point) throw new DomainError('NOT_FOUND', 'you have no pickup point yet');
    return point;
  }

  async parcels(actor: Actor): Promise<{ pickupPoint: PickupPoint; parcels: Bag[] }> {
    const pickupPoint = await this.pointOfLeader(actor);
    return { pickupPoint, parcels: await this.bags.atPickupPoint(pickupPoint.id) };
  }

  /**
   * The code the buyer shows; a wrong code or one already used changes nothing. Each try takes one
   * of the leader's attempts first (shared by every pod); over the limit the code is not looked at.
   */
  async verify(actor: Actor, code: string): Promise<Bag> {
    if (!isPickupCode(code)) throw new DomainError('INVALID_ARGUMENT', 'code: must be 6 digits');
    const point = await this.pointOfLeader(actor);
    const slot = await this.attempts.take(actor.userId);
    if (!slot.granted) {
      throw new DomainError(
        'RATE_LIMITED',
        `code: too many pickup codes tried at ${point.id} (at most ${this.attempts.limit} per ${Math.round(this.attempts.windowMs / 1000)} s); try again in ${Math.ceil(slot.retryAfterMs / 1000)} s`,
        { reason: 'PICKUP_CODE_ATTEMPTS', retryAfterMs: slot.retryAfterMs },
      );
    }
    const hash = pickupCodeHash(this.codeSecret, point.id, code);
    const result = await inTransaction(this.pool, async (client) => {
      const result = await this.pickUp(client, point.id, hash);
      // In the same transaction: a recorded attempt is one that was really evaluated.
      await this.store.recordPickupAttempt(client, actor.userId, point.id, result.outcome);
      return result;
    });
    if (result.outcome !== 'NO_MATCH') await this.attempts.refund(actor.userId);
    switch (result.outcome) {
      case 'NO_MATCH':
        throw new DomainError('NOT_FOUND', 'code: no parcel with this code at your pickup point');
      case 'USED':
        throw new DomainError('INVALID_STATE', 'code: this parcel has already been picked up');
      case 'NOT_READY':
        throw new DomainError('INVALID_STATE', `code: the parcel is ${result.status}, not yet at the pickup point`);
      case 'PICKED_UP':
        return bagById(this.bags, result.bagId);
    }
  }

  /** Looks the code up at the point and hands the parcel over when it is there and waiting. */
  private async pickUp(client: PoolClient, pointId: string, hash: string) {
    const b = await this.bags.lockByCode(client, pointId, hash);
    if (!b) return { outcome: 'NO_MATCH' } as const;
    if (b.status === 'PICKED_UP') return { outcome: 'USED' } as const;
    if (!bagFrom('pickUp').includes(b.status as never)) return { outcome: 'NOT_READY', status: b.status } as const;
    const done = (await this.bags.pickUp(client, b.id))!;
    const event: PickedUpEvent = { orderId: b.orderId, bagId: b.id, atMs: done.atMs };
    await enqueueEvent(client, FULFILLMENT_EVENTS.pickedUp, event, fulfillmentMsgId(b.orderId, 'PICKED_UP'));
    return { outcome: 'PICKED_UP', bagId: b.id } as const;
  }

  /** The buyer's own codes, re-derived (they are never stored). */
  async pickupCodes(buyerId: string): Promise<PickupCode[]> {
    const bags = await this.bags.ofBuyer(buyerId);
    return bags.map((b) => ({
      orderId: b.orderId,
      bagId: b.bagId,
      pickupPointId: b.pickupPointId,
      pickupPointName: b.pickupPointName,
      deliveryDate: b.deliveryDate,
      code: derivePickupCode(this.codeSecret, b.bagId, b.codeNonce),
      status: b.status,
    }));
  }
}
