// Postgres access for route plans: the wave's one PLANNING plan and the lease its pod holds while
// the solver works, and the routes and stops a finished plan writes in place of the old ones.
import { randomUUID } from 'node:crypto';
import type { Pool } from '@lc/kit';
import type { PlannedRouteRow, StopInput } from '../domain/route-planning.js';
import type { SolveProgress } from '../domain/vrptw/index.js';
import type { BagStore } from './bag-store.js';
import type { Db } from './db.js';

export interface NewPlan {
  id: string;
  waveId: string;
  seed: number;
  timeLimitMs: number;
  travelTimes: string;
  owner: string;
  leaseMs: number;
}

export interface PlanRow {
  id: string;
  waveId: string;
  status: string;
  progress: Partial<SolveProgress>;
  unserved: { stopId: string; reason: string; detail: string }[];
  error: string;
  seed: number;
  timeLimitMs: number;
  travelTimes: string;
  finishRequested: boolean;
}

export interface FinishedPlan {
  unserved: unknown[];
  elapsedMs: number;
  vehicles: number;
  distance: number;
}

/** Postgres' unique_violation: another request inserted the wave's one PLANNING plan first. */
const UNIQUE_VIOLATION = '23505';

export class RoutePlanStore {
  constructor(
    private readonly pool: Pool,
    private readonly bags: BagStore,
  ) {}

  async hasDispatchedRoutes(waveId: string): Promise<boolean> {
    const dispatched = await this.pool.query(`SELECT 1 FROM routes WHERE wave_id = $1 AND NOT superseded AND status <> 'PLANNED'`, [waveId]);
    return (dispatched.rowCount ?? 0) > 0;
  }

  /** The wave's pickup points with bags to deliver, as solver stops. */
  async stopsOfWave(waveId: string): Promise<StopInput[]> {
    const { rows } = await this.pool.query(
      `SELECT p.*, count(*) AS bags FROM bags b JOIN pickup_points p ON p.id = b.pickup_point_id
       WHERE b.wave_id = $1 AND b.status <> 'CANCELLED' GROUP BY p.id ORDER BY p.id`,
      [waveId],
    );
    return rows.map((p) => ({ pickupPointId: p.id, lat: p.lat, lng: p.lng, opensAt: p.opens_at, closesAt: p.closes_at, serviceMinutes: p.service_minutes, bags: Number(p.bags) }));
  }

  /** False when the wave already has a PLANNING plan (the unique index refused a second). */
  async insert(p: NewPlan): Promise<boolean> {
    try {
      await this.pool.query(
        `INSERT INTO route_plans (id, wave_id, status, seed, time_limit_ms, travel_times, owner, lease_until)
         VALUES ($1, $2, 'PLANNING', $3, $4, $5, $6, now() + make_interval(secs => $7 / 1000.0))`,
        [p.id, p.waveId, p.seed, p.timeLimitMs, p.travelTimes, p.owner, p.leaseMs],
      );
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      return false;
    }
  }

  /**
   * Extends the lease (and records progress). Undefined when the plan is no longer this owner's;
   * otherwise whether staff asked it to finish now.
   */
  async renewLease(planId: string, owner: string, leaseMs: number, progress?: SolveProgress): Promise<{ finishRequested: boolean } | undefined> {
    const { rows } = await this.pool.query<{ finish_requested: boolean }>(
      `UPDATE route_plans SET lease_until = now() + make_interval(secs => $3 / 1000.0), progress = COALESCE($4::jsonb, progress)
       WHERE id = $1 AND status = 'PLANNING' AND owner = $2 RETURNING finish_requested`,
      [planId, owner, leaseMs, progress ? JSON.stringify(progress) : null],
    );
    return rows[0] ? { finishRequested: rows[0].finish_requested } : undefined;
  }

  /** Asks a PLANNING plan to finish with its best so far; false when it is not planning. */
  async requestFinish(planId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE route_plans SET finish_requested = true WHERE id = $1 AND status = 'PLANNING'`, [planId]);
    return rowCount !== 0;
  }

  /** Locks the plan if this owner still holds it. */
  async lockHeld(db: Db, planId: string, owner: string): Promise<boolean> {
    const held = await db.query(`SELECT 1 FROM route_plans WHERE id = $1 AND status = 'PLANNING' AND owner = $2 FOR UPDATE`, [planId, owner]);
    return (held.rowCount ?? 0) > 0;
  }

  /** Replaces the wave's undispatched routes with the plan's, and moves its bags onto them. */
  async writeRoutes(db: Db, planId: string, waveId: string, warehouseId: string, routes: PlannedRouteRow[]): Promise<void> {
    await db.query(`UPDATE routes SET superseded = true WHERE wave_id = $1 AND status = 'PLANNED' AND NOT superseded`, [waveId]);
    await this.bags.unassignRoutes(db, waveId);
    for (const r of routes) {
      const routeId = randomUUID();
      await db.query(
        `INSERT INTO routes (id, plan_id, wave_id, warehouse_id, vehicle_id, driver_id, start_at, end_at, distance_m, load)
         VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0), $9, $10)`,
        [routeId, planId, waveId, warehouseId, r.vehicleId, r.driverId, r.startAtMs, r.endAtMs, r.distanceM, Math.round(r.load)],
      );
      for (const s of r.stops) {
        const stopId = randomUUID();
        await db.query(
          `INSERT INTO stops (id, route_id, sequence, pickup_point_id, planned_arrival_at, eta_at, window_start_at, window_end_at, service_seconds, bag_count)
           VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), to_timestamp($5 / 1000.0), to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0), $8, $9)`,
          [stopId, routeId, s.sequence, s.pickupPointId, s.arrivalAtMs, s.windowStartAtMs, s.windowEndAtMs, s.serviceSeconds, s.bags],
        );
        await this.bags.assignStop(db, waveId, s.pickupPointId, routeId, stopId);
      }
    }
  }

  async markDone(db: Db, planId: string, plan: FinishedPlan): Promise<void> {
    await db.query(
      `UPDATE route_plans SET status = 'DONE', finished_at = now(), unserved = $2,
         progress = jsonb_build_object('elapsedMs', $3::bigint, 'vehicles', $4::int, 'distance', $5::float8, 'phase', 'done') WHERE id = $1`,
      [planId, JSON.stringify(plan.unserved), Math.round(plan.elapsedMs), plan.vehicles, plan.distance],
    );
  }

  async markFailed(planId: string, owner: string, error: string): Promise<void> {
    await this.pool.query(`UPDATE route_plans SET status = 'FAILED', finished_at = now(), error = $2 WHERE id = $1 AND status = 'PLANNING' AND owner = $3`, [planId, error, owner]);
  }

  /** The wave's PLANNING plan, and whether its lease is still live. */
  async planning(waveId: string): Promise<{ id: string; live: boolean } | undefined> {
    const { rows } = await this.pool.query(`SELECT id, lease_until > now() AS live FROM route_plans WHERE wave_id = $1 AND status = 'PLANNING'`, [waveId]);
    return rows[0];
  }

  /** Marks a PLANNING plan whose lease ran out ABANDONED; answers the owner that let it lapse. */
  async abandonIfExpired(planId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE route_plans SET status = 'ABANDONED', finished_at = now(),
         error = 'planning stopped: its planner (' || owner || ') last renewed the lease until ' || to_char(lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '; plan the wave again'
       WHERE id = $1 AND status = 'PLANNING' AND lease_until <= now() RETURNING owner`,
      [planId],
    );
    return rows[0]?.owner;
  }

  async byId(planId: string): Promise<PlanRow | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM route_plans WHERE id = $1', [planId]);
    const p = rows[0];
    return p && {
      id: p.id,
      waveId: p.wave_id,
      status: p.status,
      progress: p.progress,
      unserved: p.unserved,
      error: p.error,
      seed: p.seed,
      timeLimitMs: p.time_limit_ms,
      travelTimes: p.travel_times,
      finishRequested: p.finish_requested,
    };
  }

  /**
   * The wave's current plan: the one being computed, else the latest finished (its routes are the
   * wave's), else the latest that failed or was abandoned (to show why).
   */
  async currentOf(waveId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM route_plans WHERE wave_id = $1
       ORDER BY status = 'PLANNING' DESC, status = 'DONE' DESC, created_at DESC, id DESC LIMIT 1`,
      [waveId],
    );
    return rows[0]?.id;
  }

  async routeIds(planId: string): Promise<string[]> {
    const { rows } = await this.pool.query('SELECT id FROM routes WHERE plan_id = $1 ORDER BY vehicle_id, start_at', [planId]);
    return rows.map((r) => r.id);
  }
}
