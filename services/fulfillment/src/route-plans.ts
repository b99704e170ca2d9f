// Route planning for a closed wave: the VRPTW solver runs in a worker thread while the plan is
// PLANNING with live progress; the result replaces the wave's earlier undispatched routes. A
// PLANNING plan carries a lease its pod renews while it works: when the pod dies the lease runs
// out, and the next request for the wave abandons the plan and plans again.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DomainError, inTransaction, type Logger, type Pool } from '@lc/kit';
import type { RoutePlan } from '@lc/contracts';
import { solveInWorker } from './adapters/solver-worker.js';
import { buildProblem, toRoutes, type StopInput, type VehicleInput } from './domain/route-planning.js';
import type { TravelTimeProvider } from './domain/travel-times.js';
import type { SolveProgress } from './domain/vrptw/index.js';
import { isUuid } from './waves.js';
import { routeView } from './deliveries.js';

/** The same wave always gets the same seed, so re-planning it gives the same routes. */
export const seedOf = (waveId: string) => createHash('sha256').update(waveId).digest().readUInt32BE(0) & 0x7fffffff;

class LeaseLostError extends Error {
  constructor(planId: string) {
    super(`route plan ${planId}: lease lost, the wave is planned by another request`);
    this.name = 'LeaseLostError';
  }
}

/** Postgres' unique_violation: another request inserted the wave's one PLANNING plan first. */
const UNIQUE_VIOLATION = '23505';

export class RoutePlanner {
  private readonly running = new Set<Promise<void>>();
  /** Who holds a lease: the pod (its host name) and this process. */
  readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly leaseMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly travelTimes: TravelTimeProvider,
    private readonly logger: Logger,
    opts: { leaseMs: number },
  ) {
    this.leaseMs = opts.leaseMs;
  }

  async plan(waveId: string, opts: { timeLimitMs: number; driverIds: string[]; wait: boolean }): Promise<RoutePlan> {
    if (!isUuid(waveId)) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    if (!(opts.timeLimitMs >= 100 && opts.timeLimitMs <= 60_000)) throw new DomainError('INVALID_ARGUMENT', 'timeLimitMs: must be from 100 to 60000');
    const { rows: waves } = await this.pool.query(
      `SELECT w.*, to_char(w.delivery_date, 'YYYY-MM-DD') AS date, h.lat, h.lng, h.time_zone, h.shift_start, h.shift_end, h.driver_ids
       FROM waves w JOIN warehouses h ON h.id = w.warehouse_id WHERE w.id = $1`,
      [waveId],
    );
    const wave = waves[0];
    if (!wave) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    if (wave.status !== 'CLOSED') throw new DomainError('INVALID_STATE', `wave ${waveId} is still open; close it first (POST /api/v1/waves)`);
    const dispatched = await this.pool.query(`SELECT 1 FROM routes WHERE wave_id = $1 AND NOT superseded AND status <> 'PLANNED'`, [waveId]);
    if (dispatched.rowCount) throw new DomainError('INVALID_STATE', `wave ${waveId} already has dispatched routes`);
    const live = await this.livePlan(waveId);
    if (live) return this.get(live);

    const { rows: vehicleRows } = await this.pool.query('SELECT * FROM vehicles WHERE warehouse_id = $1 ORDER BY id, shift_start', [wave.warehouse_id]);
    const vehicles: VehicleInput[] = vehicleRows.map((v) => ({ id: v.id, capacity: v.capacity, shiftStart: v.shift_start, shiftEnd: v.shift_end, driverId: v.driver_id }));
    const { rows: stopRows } = await this.pool.query(
      `SELECT p.*, count(*) AS bags FROM bags b JOIN pickup_points p ON p.id = b.pickup_point_id
       WHERE b.wave_id = $1 AND b.status <> 'CANCELLED' GROUP BY p.id ORDER BY p.id`,
      [waveId],
    );
    const stops: StopInput[] = stopRows.map((p) => ({
      pickupPointId: p.id, lat: p.lat, lng: p.lng, opensAt: p.opens_at, closesAt: p.closes_at, serviceMinutes: p.service_minutes, bags: Number(p.bags),
    }));
    const seed = seedOf(waveId);
    const planId = randomUUID();
    try {
      await this.pool.query(
        `INSERT INTO route_plans (id, wave_id, status, seed, time_limit_ms, travel_times, owner, lease_until)
         VALUES ($1, $2, 'PLANNING', $3, $4, $5, $6, now() + make_interval(secs => $7 / 1000.0))`,
        [planId, waveId, seed, opts.timeLimitMs, this.travelTimes.name, this.owner, this.leaseMs],
      );
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // A request racing this one started the wave's plan: answer with that one, no second solver.
      const winner = await this.livePlan(waveId);
      if (winner) return this.get(winner);
      throw error;
    }
    const drivers = [...opts.driverIds, ...(wave.driver_ids as string[]).filter((d) => !opts.driverIds.includes(d))];
    const depot = { id: wave.warehouse_id, lat: wave.lat, lng: wave.lng, timeZone: wave.time_zone, shiftStart: wave.shift_start, shiftEnd: wave.shift_end };

    const lost = new AbortController();
    const renew = async (progress?: SolveProgress) => {
      const { rowCount } = await this.pool.query(
        `UPDATE route_plans SET lease_until = now() + make_interval(secs => $3 / 1000.0), progress = COALESCE($4::jsonb, progress)
         WHERE id = $1 AND status = 'PLANNING' AND owner = $2`,
        [planId, this.owner, this.leaseMs, progress ? JSON.stringify(progress) : null],
      );
      // Abandoned by a request that found the lease expired (this pod stalled): stop solving.
      if (rowCount === 0) lost.abort(new Error(`route plan ${planId}: lease lost, the wave is planned by another request`));
    };
    const keepLease = () => void renew().catch((err: unknown) => this.logger.warn({ err: (err as Error).message, planId }, 'route plan lease not renewed'));
    // Progress comes only when the solver improves, so the lease is also renewed on a timer while
    // this pod works on the plan (the worker is killed past its time limit, so this ends).
    const heartbeat = setInterval(keepLease, Math.max(100, Math.floor(this.leaseMs / 3)));
    const work = (async () => {
      try {
        const matrix = await this.travelTimes.matrix([depot, ...stops]);
        const problem = buildProblem(depot, vehicles, stops, matrix);
        let lastWrite = 0;
        const onProgress = (p: SolveProgress) => {
          // At most a few writes a second: progress is for people watching, not a log.
          if (Date.now() - lastWrite < 250 && p.phase !== 'done') return;
          lastWrite = Date.now();
          void renew(p).catch(() => undefined);
        };
        const plan = stops.length
          ? await solveInWorker(problem, { seed, timeLimitMs: opts.timeLimitMs, onProgress, signal: lost.signal })
          : { routes: [], unserved: [], vehicles: 0, distance: 0, iterations: 0, elapsedMs: 0 };
        const routes = toRoutes(plan, vehicles, stops, wave.date, wave.time_zone, drivers);
        await inTransaction(this.pool, async (client) => {
          // Fencing: the routes are written only while this pod still holds the plan.
          const held = await client.query(`SELECT 1 FROM route_plans WHERE id = $1 AND status = 'PLANNING' AND owner = $2 FOR UPDATE`, [planId, this.owner]);
          if (!held.rowCount) throw new LeaseLostError(planId);
          await client.query(`UPDATE routes SET superseded = true WHERE wave_id = $1 AND status = 'PLANNED' AND NOT superseded`, [waveId]);
          await client.query(`UPDATE bags SET route_id = NULL, stop_id = NULL WHERE wave_id = $1`, [waveId]);
          for (const r of routes) {
            const routeId = randomUUID();
            await client.query(
              `INSERT INTO routes (id, plan_id, wave_id, warehouse_id, vehicle_id, driver_id, start_at, end_at, distance_m, load)
               VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0), $9, $10)`,
              [routeId, planId, waveId, wave.warehouse_id, r.vehicleId, r.driverId, r.startAtMs, r.endAtMs, r.distanceM, Math.round(r.load)],
            );
            for (const s of r.stops) {
              const stopId = randomUUID();
              await client.query(
                `INSERT INTO stops (id, route_id, sequence, pickup_point_id, planned_arrival_at, eta_at, window_start_at, window_end_at, service_seconds, bag_count)
                 VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), to_timestamp($5 / 1000.0), to_timestamp($6 / 1000.0), to_timestamp($7 / 1000.0), $8, $9)`,
                [stopId, routeId, s.sequence, s.pickupPointId, s.arrivalAtMs, s.windowStartAtMs, s.windowEndAtMs, s.serviceSeconds, s.bags],
              );
              await client.query(`UPDATE bags SET route_id = $1, stop_id = $2 WHERE wave_id = $3 AND pickup_point_id = $4`, [routeId, stopId, waveId, s.pickupPointId]);
            }
          }
          await client.query(
            `UPDATE route_plans SET status = 'DONE', finished_at = now(), unserved = $2,
               progress = jsonb_build_object('elapsedMs', $3::bigint, 'vehicles', $4::int, 'distance', $5::float8, 'phase', 'done') WHERE id = $1`,
            [planId, JSON.stringify(plan.unserved), Math.round(plan.elapsedMs), plan.vehicles, plan.distance],
          );
        });
      } catch (error) {
        if (lost.signal.aborted || error instanceof LeaseLostError) {
          this.logger.warn({ planId }, 'route plan taken over after its lease expired; result dropped');
          return;
        }
        this.logger.error({ err: error, planId }, 'route planning failed');
        await this.pool
          .query(`UPDATE route_plans SET status = 'FAILED', finished_at = now(), error = $2 WHERE id = $1 AND status = 'PLANNING' AND owner = $3`, [planId, (error as Error).message, this.owner])
          .catch(() => undefined);
      } finally {
        clearInterval(heartbeat);
      }
    })();
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    if (opts.wait) await work;
    return this.get(planId);
  }

  /**
   * The wave's PLANNING plan while its lease is live. One whose lease ran out (its pod died or
   * stalled) is marked ABANDONED here, so the caller may start another.
   */
  private async livePlan(waveId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query(`SELECT id, lease_until > now() AS live FROM route_plans WHERE wave_id = $1 AND status = 'PLANNING'`, [waveId]);
    const current = rows[0];
    if (!current) return undefined;
    if (current.live) return current.id;
    await this.abandonIfExpired(current.id);
    return undefined;
  }

  private async abandonIfExpired(planId: string): Promise<boolean> {
    const { rows } = await this.pool.query(
      `UPDATE route_plans SET status = 'ABANDONED', finished_at = now(),
         error = 'planning stopped: its planner (' || owner || ') last renewed the lease until ' || to_char(lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '; plan the wave again'
       WHERE id = $1 AND status = 'PLANNING' AND lease_until <= now() RETURNING owner`,
      [planId],
    );
    if (rows[0]) this.logger.warn({ planId, owner: rows[0].owner }, 'route plan abandoned: its lease expired');
    return rows.length > 0;
  }

  async get(planId: string): Promise<RoutePlan> {
    if (!isUuid(planId)) throw new DomainError('NOT_FOUND', `planId: no route plan ${planId}`);
    // A poller of a plan whose pod died sees it end instead of PLANNING forever.
    await this.abandonIfExpired(planId);
    const { rows } = await this.pool.query('SELECT * FROM route_plans WHERE id = $1', [planId]);
    const p = rows[0];
    if (!p) throw new DomainError('NOT_FOUND', `planId: no route plan ${planId}`);
    const { rows: routeIds } = await this.pool.query('SELECT id FROM routes WHERE plan_id = $1 ORDER BY vehicle_id, start_at', [planId]);
    const progress = p.progress as Partial<SolveProgress>;
    return {
      id: p.id,
      waveId: p.wave_id,
      status: p.status,
      progress: { elapsedMs: Math.round(progress.elapsedMs ?? 0), vehicles: progress.vehicles ?? 0, distance: progress.distance ?? 0, phase: progress.phase ?? 'starting' },
      routes: await Promise.all(routeIds.map((r) => routeView(this.pool, r.id))),
      unserved: (p.unserved as { stopId: string; reason: string; detail: string }[]).map((u) => ({ pickupPointId: u.stopId, reason: u.reason, detail: u.detail })),
      error: p.error,
      seed: p.seed,
      timeLimitMs: p.time_limit_ms,
      travelTimes: p.travel_times,
    };
  }

  /** Lets plans in flight finish (their worker has its own time limit). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
