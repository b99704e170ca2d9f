// The delivery run: dispatching a route, the driver's stops (arrived, handed over, positions that
// move ETAs), the leader's receipt and pickup counter, and the buyer's notifications and codes.
// Drivers reach only their own routes, leaders only their own pickup point.
import { randomUUID } from 'node:crypto';
import { DomainError, enqueueEvent, inTransaction, type Pool, type PoolClient } from '@lc/kit';
import type { Actor, Bag, Notification, PickupCode, PickupPoint, Route, Stop } from '@lc/contracts';
import { bagFrom, bagTo, stopFrom, stopTo, type StopTransition } from './domain/bag-status.js';
import { derivePickupCode, isPickupCode, pickupCodeHash } from './domain/pickup-code.js';
import type { PickupAttemptLimit } from './adapters/pickup-attempt-limit.js';
import { etasFrom } from './domain/route-planning.js';
import type { TravelTimeProvider } from './domain/travel-times.js';
import { FULFILLMENT_EVENTS, fulfillmentMsgId, type ArrivedEvent, type DispatchedEvent, type PickedUpEvent } from './events.js';
import { BAG_SELECT, bagById, isUuid, toBag } from './waves.js';
import { toPickupPoint } from './warehouses.js';

const isStaff = (a: Actor) => a.role === 'warehouse' || a.role === 'admin';
const msCol = (col: string, as = col) => `(extract(epoch from ${col}) * 1000)::bigint AS ${as}_ms`;

export async function routeView(pool: Pool | PoolClient, routeId: string): Promise<Route> {
  const { rows } = await pool.query(
    `SELECT r.*, ${['start_at', 'end_at', 'dispatched_at', 'completed_at'].map((c) => msCol(`r.${c}`, c)).join(', ')} FROM routes r WHERE r.id = $1`,
    [routeId],
  );
  const r = rows[0];
  if (!r) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
  const { rows: stops } = await pool.query(
    `SELECT s.*, p.name AS point_name, p.lat, p.lng,
       ${['planned_arrival_at', 'eta_at', 'window_start_at', 'window_end_at', 'arrived_at', 'handed_over_at', 'received_at'].map((c) => msCol(`s.${c}`, c)).join(', ')}
     FROM stops s JOIN pickup_points p ON p.id = s.pickup_point_id WHERE s.route_id = $1 ORDER BY s.sequence`,
    [routeId],
  );
  return {
    id: r.id,
    planId: r.plan_id,
    waveId: r.wave_id,
    warehouseId: r.warehouse_id,
    vehicleId: r.vehicle_id,
    driverId: r.driver_id,
    status: r.superseded ? 'SUPERSEDED' : r.status,
    startAtMs: Number(r.start_at_ms),
    endAtMs: Number(r.end_at_ms),
    distanceM: r.distance_m,
    load: r.load,
    dispatchedAtMs: Number(r.dispatched_at_ms ?? 0),
    completedAtMs: Number(r.completed_at_ms ?? 0),
    stops: stops.map(toStop),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toStop(s: any): Stop {
  return {
    id: s.id,
    routeId: s.route_id,
    sequence: s.sequence,
    pickupPointId: s.pickup_point_id,
    pickupPointName: s.point_name ?? '',
    lat: s.lat ?? 0,
    lng: s.lng ?? 0,
    plannedArrivalAtMs: Number(s.planned_arrival_at_ms),
    etaAtMs: Number(s.eta_at_ms),
    windowStartAtMs: Number(s.window_start_at_ms),
    windowEndAtMs: Number(s.window_end_at_ms),
    status: s.status,
    arrivedAtMs: Number(s.arrived_at_ms ?? 0),
    handedOverAtMs: Number(s.handed_over_at_ms ?? 0),
    receivedAtMs: Number(s.received_at_ms ?? 0),
    bagCount: s.bag_count,
  };
}

export class Deliveries {
  constructor(
    private readonly pool: Pool,
    private readonly travelTimes: TravelTimeProvider,
    private readonly codeSecret: string,
    private readonly attempts: PickupAttemptLimit,
  ) {}

  async getRoute(actor: Actor, routeId: string): Promise<Route> {
    if (!isUuid(routeId)) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
    const route = await routeView(this.pool, routeId);
    if (!isStaff(actor) && route.driverId !== actor.userId) throw new DomainError('FORBIDDEN', 'this route is not yours');
    return route;
  }

  /** Every packed bag on the route goes OUT_FOR_DELIVERY; a route with unpacked bags stays home. */
  async dispatch(routeId: string): Promise<Route> {
    if (!isUuid(routeId)) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
    await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query('SELECT status, superseded FROM routes WHERE id = $1 FOR UPDATE', [routeId]);
      const r = rows[0];
      if (!r) throw new DomainError('NOT_FOUND', `routeId: no route ${routeId}`);
      if (r.superseded) throw new DomainError('INVALID_STATE', `route ${routeId} was replaced by a newer plan`);
      if (r.status !== 'PLANNED') return;
      const unpacked = await client.query(`SELECT label FROM bags WHERE route_id = $1 AND status = 'PENDING' ORDER BY label`, [routeId]);
      if (unpacked.rowCount) {
        throw new DomainError('INVALID_STATE', `route ${routeId} has ${unpacked.rowCount} unpacked bag(s)`, { unpackedBags: unpacked.rows.map((b) => b.label) });
      }
      const { rows: bags } = await client.query(
        `UPDATE bags SET status = $2, dispatched_at = now() WHERE route_id = $1 AND status = ANY($3::text[])
         RETURNING id, order_id, (extract(epoch from dispatched_at) * 1000)::bigint AS at_ms`,
        [routeId, bagTo('dispatch'), bagFrom('dispatch')],
      );
      for (const b of bags) {
        const event: DispatchedEvent = { orderId: b.order_id, routeId, bagId: b.id, atMs: Number(b.at_ms) };
        await enqueueEvent(client, FULFILLMENT_EVENTS.dispatched, event, fulfillmentMsgId(b.order_id, 'OUT_FOR_DELIVERY'));
      }
      await client.query(`UPDATE routes SET status = 'DISPATCHED', dispatched_at = now() WHERE id = $1`, [routeId]);
    });
    return routeView(this.pool, routeId);
  }

  /** The driver's current run: the one on the road, else the next planned one. */
  async driverRoute(actor: Actor): Promise<Route | undefined> {
    const { rows } = await this.pool.query(
      `SELECT id FROM routes WHERE driver_id = $1 AND NOT superseded AND status IN ('DISPATCHED', 'PLANNED')
       ORDER BY (status = 'DISPATCHED') DESC, start_at LIMIT 1`,
      [actor.userId],
    );
    return rows[0] ? routeView(this.pool, rows[0].id) : undefined;
  }

  /** Locks the stop and checks the actor may move it; answers whether the transition applies. */
  private async lockStop(client: PoolClient, actor: Actor, stopId: string, t: StopTransition) {
    if (!isUuid(stopId)) throw new DomainError('NOT_FOUND', `stopId: no stop ${stopId}`);
    const { rows } = await client.query(
      `SELECT s.*, r.driver_id, r.status AS route_status, r.superseded, p.leader_id FROM stops s JOIN routes r ON r.id = s.route_id
       JOIN pickup_points p ON p.id = s.pickup_point_id WHERE s.id = $1 FOR UPDATE OF s, r`,
      [stopId],
    );
    const s = rows[0];
    if (!s) throw new DomainError('NOT_FOUND', `stopId: no stop ${stopId}`);
    const owner = t === 'receive' ? s.leader_id : s.driver_id;
    if (actor.role !== 'admin' && owner !== actor.userId) throw new DomainError('FORBIDDEN', t === 'receive' ? 'this stop is not at your pickup point' : 'this stop is not on your route');
    if (s.superseded || s.route_status === 'PLANNED') throw new DomainError('INVALID_STATE', 'the route has not been dispatched');
    const order = ['PENDING', 'ARRIVED', 'HANDED_OVER', 'RECEIVED'];
    // Already at or past the target: a retried request, answered without changing anything.
    if (order.indexOf(s.status) >= order.indexOf(stopTo(t))) return { stop: s, apply: false };
    if (s.status !== stopFrom(t)) throw new DomainError('INVALID_STATE', `stop ${stopId} is ${s.status}; it must be ${stopFrom(t)} first`);
    return { stop: s, apply: true };
  }

  private async stopView(stopId: string): Promise<Stop> {
    const { rows } = await this.pool.query('SELECT route_id FROM stops WHERE id = $1', [stopId]);
    const route = await routeView(this.pool, rows[0].route_id);
    return route.stops.find((s) => s.id === stopId)!;
  }

  /** Arrival: the stop's parcels are READY_FOR_PICKUP and each buyer gets a notification. */
  async arrive(actor: Actor, stopId: string): Promise<Stop> {
    await inTransaction(this.pool, async (client) => {
      const { stop, apply } = await this.lockStop(client, actor, stopId, 'arrive');
      if (!apply) return;
      await client.query(`UPDATE stops SET status = $2, arrived_at = now() WHERE id = $1`, [stopId, stopTo('arrive')]);
      const { rows: bags } = await client.query(
        `UPDATE bags SET status = $2, arrived_at = now() WHERE stop_id = $1 AND status = ANY($3::text[])
         RETURNING id, order_id, buyer_id, pickup_point_id, (extract(epoch from arrived_at) * 1000)::bigint AS at_ms`,
        [stopId, bagTo('arrive'), bagFrom('arrive')],
      );
      const point = await client.query('SELECT name, address FROM pickup_points WHERE id = $1', [stop.pickup_point_id]);
      for (const b of bags) {
        const event: ArrivedEvent = { orderId: b.order_id, pickupPointId: b.pickup_point_id, buyerId: b.buyer_id, bagId: b.id, atMs: Number(b.at_ms) };
        await enqueueEvent(client, FULFILLMENT_EVENTS.arrived, event, fulfillmentMsgId(b.order_id, 'READY_FOR_PICKUP'));
        await client.query(
          `INSERT INTO notifications (id, buyer_id, order_id, kind, title, body) VALUES ($1, $2, $3, 'READY_FOR_PICKUP', $4, $5) ON CONFLICT DO NOTHING`,
          [randomUUID(), b.buyer_id, b.order_id, '包裹已到达自提点 Your parcel is ready for pickup',
            `请到 ${point.rows[0].name}（${point.rows[0].address}）出示取件码提货。Show your pickup code at ${point.rows[0].name}.`],
        );
      }
    });
    return this.stopView(stopId);
  }

  async handOver(actor: Actor, stopId: string): Promise<Stop> {
    await inTransaction(this.pool, async (client) => {
      const { stop, apply } = await this.lockStop(client, actor, stopId, 'handOver');
      if (!apply) return;
      await client.query(`UPDATE stops SET status = $2, handed_over_at = now() WHERE id = $1`, [stopId, stopTo('handOver')]);
      await client.query(
        `UPDATE routes SET status = 'COMPLETED', completed_at = now() WHERE id = $1 AND status = 'DISPATCHED'
           AND NOT EXISTS (SELECT 1 FROM stops WHERE route_id = $1 AND status IN ('PENDING', 'ARRIVED'))`,
        [stop.route_id],
      );
    });
    return this.stopView(stopId);
  }

  /** The leader confirms the driver's hand-over at their pickup point. */
  async receive(actor: Actor, stopId: string): Promise<Stop> {
    await inTransaction(this.pool, async (client) => {
      const { apply } = await this.lockStop(client, actor, stopId, 'receive');
      if (apply) await client.query(`UPDATE stops SET status = $2, received_at = now() WHERE id = $1`, [stopId, stopTo('receive')]);
    });
    return this.stopView(stopId);
  }

  /** A position report re-estimates the arrival at each stop not yet reached. */
  async position(actor: Actor, lat: number, lng: number): Promise<Route> {
    if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw new DomainError('INVALID_ARGUMENT', 'lat: must be a latitude between -90 and 90');
    if (!Number.isFinite(lng) || lng < -180 || lng > 180) throw new DomainError('INVALID_ARGUMENT', 'lng: must be a longitude between -180 and 180');
    const { rows } = await this.pool.query(`SELECT id FROM routes WHERE driver_id = $1 AND status = 'DISPATCHED' AND NOT superseded ORDER BY dispatched_at LIMIT 1`, [actor.userId]);
    if (!rows[0]) throw new DomainError('INVALID_STATE', 'no route of yours is on the road');
    const route = await routeView(this.pool, rows[0].id);
    const remaining = route.stops.filter((s) => s.status === 'PENDING');
    const now = Date.now();
    const { durations } = await this.travelTimes.matrix([{ lat, lng }, ...remaining.map((s) => ({ lat: s.lat, lng: s.lng }))]);
    const legs = remaining.map((_, i) => durations[i]?.[i + 1] ?? 0);
    const serviceSeconds = await this.pool.query('SELECT id, service_seconds FROM stops WHERE route_id = $1', [route.id]);
    const service = new Map(serviceSeconds.rows.map((r) => [r.id as string, r.service_seconds as number]));
    const etas = etasFrom(now, legs, remaining.map((s) => ({ windowStartAtMs: s.windowStartAtMs, serviceSeconds: service.get(s.id) ?? 0 })));
    await inTransaction(this.pool, async (client) => {
      await client.query('UPDATE routes SET position_lat = $2, position_lng = $3, position_at = now() WHERE id = $1', [route.id, lat, lng]);
      for (const [i, s] of remaining.entries()) {
        await client.query(`UPDATE stops SET eta_at = to_timestamp($2 / 1000.0) WHERE id = $1 AND status = 'PENDING'`, [s.id, etas[i]]);
      }
    });
    return routeView(this.pool, route.id);
  }

  private async pointOfLeader(actor: Actor): Promise<PickupPoint> {
    const { rows } = await this.pool.query('SELECT * FROM pickup_points WHERE leader_id = $1', [actor.userId]);
    if (!rows[0]) throw new DomainError('NOT_FOUND', 'you have no pickup point yet');
    return toPickupPoint(rows[0]);
  }

  async parcels(actor: Actor): Promise<{ pickupPoint: PickupPoint; parcels: Bag[] }> {
    const pickupPoint = await this.pointOfLeader(actor);
    const { rows } = await this.pool.query(
      `${BAG_SELECT} WHERE b.pickup_point_id = $1 AND b.status <> 'CANCELLED' ORDER BY b.delivery_date DESC, b.label LIMIT 500`,
      [pickupPoint.id],
    );
    return { pickupPoint, parcels: rows.map(toBag) };
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
      await client.query('INSERT INTO pickup_code_attempts (leader_id, pickup_point_id, outcome) VALUES ($1, $2, $3)', [actor.userId, point.id, result.outcome]);
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
        return bagById(this.pool, result.bagId);
    }
  }

  /** Looks the code up at the point and hands the parcel over when it is there and waiting. */
  private async pickUp(client: PoolClient, pointId: string, hash: string) {
    const { rows } = await client.query(
      `SELECT id, order_id, status FROM bags WHERE pickup_point_id = $1 AND code_hash = $2 AND status <> 'CANCELLED'
       ORDER BY (status = 'READY_FOR_PICKUP') DESC, delivery_date DESC LIMIT 1 FOR UPDATE`,
      [pointId, hash],
    );
    const b = rows[0];
    if (!b) return { outcome: 'NO_MATCH' } as const;
    if (b.status === 'PICKED_UP') return { outcome: 'USED' } as const;
    if (!bagFrom('pickUp').includes(b.status)) return { outcome: 'NOT_READY', status: b.status as string } as const;
    const { rows: done } = await client.query(
      `UPDATE bags SET status = $2, picked_up_at = now() WHERE id = $1 RETURNING (extract(epoch from picked_up_at) * 1000)::bigint AS at_ms`,
      [b.id, bagTo('pickUp')],
    );
    const event: PickedUpEvent = { orderId: b.order_id, bagId: b.id, atMs: Number(done[0].at_ms) };
    await enqueueEvent(client, FULFILLMENT_EVENTS.pickedUp, event, fulfillmentMsgId(b.order_id, 'PICKED_UP'));
    return { outcome: 'PICKED_UP', bagId: b.id as string } as const;
  }

  async notifications(buyerId: string): Promise<Notification[]> {
    const { rows } = await this.pool.query(
      `SELECT *, (extract(epoch from created_at) * 1000)::bigint AS created_ms FROM notifications WHERE buyer_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [buyerId],
    );
    return rows.map((r) => ({ id: r.id, buyerId: r.buyer_id, orderId: r.order_id, kind: r.kind, title: r.title, body: r.body, createdAtMs: Number(r.created_ms) }));
  }

  /** The buyer's own codes, re-derived (they are never stored). */
  async pickupCodes(buyerId: string): Promise<PickupCode[]> {
    const { rows } = await this.pool.query(
      `SELECT b.id, b.order_id, b.pickup_point_id, b.code_nonce, b.status, to_char(b.delivery_date, 'YYYY-MM-DD') AS date, p.name
       FROM bags b JOIN pickup_points p ON p.id = b.pickup_point_id WHERE b.buyer_id = $1 AND b.status <> 'CANCELLED' ORDER BY b.delivery_date DESC LIMIT 100`,
      [buyerId],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      bagId: r.id,
      pickupPointId: r.pickup_point_id,
      pickupPointName: r.name,
      deliveryDate: r.date,
      code: derivePickupCode(this.codeSecret, r.id, r.code_nonce),
      status: r.status,
    }));
  }
}
