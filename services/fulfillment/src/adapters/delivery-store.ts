// Postgres access for the delivery run: routes and their stops, the driver's position and the
// record of pickup codes tried.
import type { Pool } from '@lc/kit';
import type { Route, Stop } from '@lc/contracts';
import { stopTo, type StopTransition } from '../domain/bag-status.js';
import { msCol, type Db } from './db.js';

/** A stop locked for a transition, with who may move it and the state of its route. */
export interface LockedStop {
  id: string;
  routeId: string;
  status: string;
  pickupPointId: string;
  driverId: string;
  leaderId: string;
  routeStatus: string;
  superseded: boolean;
}

const STOP_STAMP: Record<StopTransition, string> = { arrive: 'arrived_at', handOver: 'handed_over_at', receive: 'received_at' };

export class DeliveryStore {
  constructor(private readonly pool: Pool) {}

  async route(db: Db, routeId: string): Promise<Route | undefined> {
    const { rows } = await db.query(
      `SELECT r.*, ${['start_at', 'end_at', 'dispatched_at', 'completed_at'].map((c) => msCol(`r.${c}`, c)).join(', ')} FROM routes r WHERE r.id = $1`,
      [routeId],
    );
    const r = rows[0];
    if (!r) return undefined;
    const { rows: stops } = await db.query(
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

  async lockRoute(db: Db, routeId: string): Promise<{ status: string; superseded: boolean } | undefined> {
    const { rows } = await db.query('SELECT status, superseded FROM routes WHERE id = $1 FOR UPDATE', [routeId]);
    return rows[0];
  }

  async markDispatched(db: Db, routeId: string): Promise<void> {
    await db.query(`UPDATE routes SET status = 'DISPATCHED', dispatched_at = now() WHERE id = $1`, [routeId]);
  }

  /** The driver's run on the road, else the next planned one. */
  async currentRouteId(driverId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(
      `SELECT id FROM routes WHERE driver_id = $1 AND NOT superseded AND status IN ('DISPATCHED', 'PLANNED')
       ORDER BY (status = 'DISPATCHED') DESC, start_at LIMIT 1`,
      [driverId],
    );
    return rows[0]?.id;
  }

  async dispatchedRouteId(driverId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(`SELECT id FROM routes WHERE driver_id = $1 AND status = 'DISPATCHED' AND NOT superseded ORDER BY dispatched_at LIMIT 1`, [driverId]);
    return rows[0]?.id;
  }

  async lockStop(db: Db, stopId: string): Promise<LockedStop | undefined> {
    const { rows } = await db.query(
      `SELECT s.*, r.driver_id, r.status AS route_status, r.superseded, p.leader_id FROM stops s JOIN routes r ON r.id = s.route_id
       JOIN pickup_points p ON p.id = s.pickup_point_id WHERE s.id = $1 FOR UPDATE OF s, r`,
      [stopId],
    );
    const s = rows[0];
    return s && { id: s.id, routeId: s.route_id, status: s.status, pickupPointId: s.pickup_point_id, driverId: s.driver_id, leaderId: s.leader_id, routeStatus: s.route_status, superseded: s.superseded };
  }

  /** The bags delivered at this stop, by order id: what a shortage may be reported against. */
  async bagsAtStop(db: Db, stopId: string): Promise<Map<string, { bagId: string; buyerId: string; skuId: string; qty: number }>> {
    const { rows } = await db.query(`SELECT id, order_id, buyer_id, sku_id, qty FROM bags WHERE stop_id = $1 AND status <> 'CANCELLED'`, [stopId]);
    return new Map(rows.map((r) => [r.order_id, { bagId: r.id, buyerId: r.buyer_id, skuId: r.sku_id, qty: r.qty }]));
  }

  /** Records a shortage once per order; false when one was reported before (by either hand). */
  async recordShortage(db: Db, s: { orderId: string; stopId: string; bagId: string; missingQty: number; reportedBy: string; stage: string }): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO handover_shortages (order_id, stop_id, bag_id, missing_qty, reported_by, stage) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING`,
      [s.orderId, s.stopId, s.bagId, s.missingQty, s.reportedBy, s.stage],
    );
    return rowCount === 1;
  }

  async moveStop(db: Db, stopId: string, t: StopTransition): Promise<void> {
    await db.query(`UPDATE stops SET status = $2, ${STOP_STAMP[t]} = now() WHERE id = $1`, [stopId, stopTo(t)]);
  }

  /** A dispatched route whose every stop is handed over (or received) is complete. */
  async completeIfDone(db: Db, routeId: string): Promise<void> {
    await db.query(
      `UPDATE routes SET status = 'COMPLETED', completed_at = now() WHERE id = $1 AND status = 'DISPATCHED'
         AND NOT EXISTS (SELECT 1 FROM stops WHERE route_id = $1 AND status IN ('PENDING', 'ARRIVED'))`,
      [routeId],
    );
  }

  async routeIdOfStop(stopId: string): Promise<string> {
    const { rows } = await this.pool.query('SELECT route_id FROM stops WHERE id = $1', [stopId]);
    return rows[0].route_id;
  }

  async serviceSeconds(routeId: string): Promise<Map<string, number>> {
    const { rows } = await this.pool.query('SELECT id, service_seconds FROM stops WHERE route_id = $1', [routeId]);
    return new Map(rows.map((r) => [r.id as string, r.service_seconds as number]));
  }

  async savePosition(db: Db, routeId: string, lat: number, lng: number): Promise<void> {
    await db.query('UPDATE routes SET position_lat = $2, position_lng = $3, position_at = now() WHERE id = $1', [routeId, lat, lng]);
  }

  async setEta(db: Db, stopId: string, etaMs: number): Promise<void> {
    await db.query(`UPDATE stops SET eta_at = to_timestamp($2 / 1000.0) WHERE id = $1 AND status = 'PENDING'`, [stopId, etaMs]);
  }

  async recordPickupAttempt(db: Db, leaderId: string, pickupPointId: string, outcome: string): Promise<void> {
    await db.query('INSERT INTO pickup_code_attempts (leader_id, pickup_point_id, outcome) VALUES ($1, $2, $3)', [leaderId, pickupPointId, outcome]);
  }
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
