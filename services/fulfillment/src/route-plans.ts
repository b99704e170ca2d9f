// Route planning for a closed wave: the VRPTW solver runs in a worker thread while the plan is
// PLANNING with live progress; the result replaces the wave's earlier undispatched routes.
import { createHash, randomUUID } from 'node:crypto';
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

export class RoutePlanner {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly pool: Pool,
    private readonly travelTimes: TravelTimeProvider,
    private readonly logger: Logger,
  ) {}

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
    const planning = await this.pool.query(`SELECT id FROM route_plans WHERE wave_id = $1 AND status = 'PLANNING'`, [waveId]);
    if (planning.rows[0]) return this.get(planning.rows[0].id);

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
    await this.pool.query(`INSERT INTO route_plans (id, wave_id, status, seed, time_limit_ms, travel_times) VALUES ($1, $2, 'PLANNING', $3, $4, $5)`, [
      planId, waveId, seed, opts.timeLimitMs, this.travelTimes.name,
    ]);
    const drivers = [...opts.driverIds, ...(wave.driver_ids as string[]).filter((d) => !opts.driverIds.includes(d))];
    const depot = { id: wave.warehouse_id, lat: wave.lat, lng: wave.lng, timeZone: wave.time_zone, shiftStart: wave.shift_start, shiftEnd: wave.shift_end };

    const work = (async () => {
      try {
        const matrix = await this.travelTimes.matrix([depot, ...stops]);
        const problem = buildProblem(depot, vehicles, stops, matrix);
        let lastWrite = 0;
        const onProgress = (p: SolveProgress) => {
          // At most a few writes a second: progress is for people watching, not a log.
          if (Date.now() - lastWrite < 250 && p.phase !== 'done') return;
          lastWrite = Date.now();
          void this.pool.query(`UPDATE route_plans SET progress = $2 WHERE id = $1 AND status = 'PLANNING'`, [planId, JSON.stringify(p)]).catch(() => undefined);
        };
        const plan = stops.length ? await solveInWorker(problem, { seed, timeLimitMs: opts.timeLimitMs, onProgress }) : { routes: [], unserved: [], vehicles: 0, distance: 0, iterations: 0, elapsedMs: 0 };
        const routes = toRoutes(plan, vehicles, stops, wave.date, wave.time_zone, drivers);
        await inTransaction(this.pool, async (client) => {
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
        this.logger.error({ err: error, planId }, 'route planning failed');
        await this.pool.query(`UPDATE route_plans SET status = 'FAILED', finished_at = now(), error = $2 WHERE id = $1`, [planId, (error as Error).message]).catch(() => undefined);
      }
    })();
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    if (opts.wait) await work;
    return this.get(planId);
  }

  async get(planId: string): Promise<RoutePlan> {
    if (!isUuid(planId)) throw new DomainError('NOT_FOUND', `planId: no route plan ${planId}`);
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
