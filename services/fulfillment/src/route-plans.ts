// Route planning for a closed wave: the VRPTW solver runs in a worker thread while the plan is
// PLANNING with live progress; the result replaces the wave's earlier undispatched routes. A
// PLANNING plan carries a lease its pod renews while it works: when the pod dies the lease runs
// out, and the next request for the wave abandons the plan and plans again.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DomainError, inTransaction, type Logger, type Pool } from '@lc/kit';
import type { RoutePlan } from '@lc/contracts';
import type { DeliveryStore } from './adapters/delivery-store.js';
import type { RoutePlanStore } from './adapters/route-plan-store.js';
import { solveInWorker } from './adapters/solver-worker.js';
import type { WarehouseStore } from './adapters/warehouse-store.js';
import type { WaveStore } from './adapters/wave-store.js';
import { isUuid } from './domain/ids.js';
import { buildProblem, toRoutes } from './domain/route-planning.js';
import type { TravelTimeProvider } from './domain/travel-times.js';
import type { SolveProgress } from './domain/vrptw/index.js';
import { routeView } from './deliveries.js';

export interface PlannerStores {
  plans: RoutePlanStore;
  waves: WaveStore;
  warehouses: WarehouseStore;
  deliveries: DeliveryStore;
}

/** The same wave always gets the same seed, so re-planning it gives the same routes. */
export const seedOf = (waveId: string) => createHash('sha256').update(waveId).digest().readUInt32BE(0) & 0x7fffffff;

class LeaseLostError extends Error {
  constructor(planId: string) {
    super(`route plan ${planId}: lease lost, the wave is planned by another request`);
    this.name = 'LeaseLostError';
  }
}

export class RoutePlanner {
  private readonly running = new Set<Promise<void>>();
  /** Plans this pod is solving, to finish at once when staff ask it of this pod. */
  private readonly finishing = new Map<string, AbortController>();
  /** Who holds a lease: the pod (its host name) and this process. */
  readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly leaseMs: number;

  constructor(
    private readonly pool: Pool,
    private readonly stores: PlannerStores,
    private readonly travelTimes: TravelTimeProvider,
    private readonly logger: Logger,
    opts: { leaseMs: number; vehicleCost?: number },
  ) {
    this.leaseMs = opts.leaseMs;
    this.vehicleCost = opts.vehicleCost;
  }

  /** Metres a vehicle is worth, for operators who pay per kilometre; unset: fewest vehicles first. */
  private readonly vehicleCost: number | undefined;

  async plan(waveId: string, opts: { timeLimitMs: number; driverIds: string[]; wait: boolean }): Promise<RoutePlan> {
    if (!isUuid(waveId)) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    if (!(opts.timeLimitMs >= 100 && opts.timeLimitMs <= 60_000)) throw new DomainError('INVALID_ARGUMENT', 'timeLimitMs: must be from 100 to 60000');
    const wave = await this.stores.waves.toPlan(waveId);
    if (!wave) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    if (wave.status !== 'CLOSED') throw new DomainError('INVALID_STATE', `wave ${waveId} is still open; close it first (POST /api/v1/waves)`);
    if (await this.stores.plans.hasDispatchedRoutes(waveId)) throw new DomainError('INVALID_STATE', `wave ${waveId} already has dispatched routes`);
    const live = await this.livePlan(waveId);
    if (live) return this.get(live);

    const vehicles = await this.stores.warehouses.vehicles(wave.warehouseId);
    const stops = await this.stores.plans.stopsOfWave(waveId);
    const seed = seedOf(waveId);
    const planId = randomUUID();
    const started = await this.stores.plans.insert({ id: planId, waveId, seed, timeLimitMs: opts.timeLimitMs, travelTimes: this.travelTimes.name, owner: this.owner, leaseMs: this.leaseMs });
    if (!started) {
      // A request racing this one started the wave's plan: answer with that one, no second solver.
      const winner = await this.livePlan(waveId);
      if (winner) return this.get(winner);
      throw new Error(`route plan for wave ${waveId}: a racing plan was started and ended meanwhile`);
    }
    const drivers = [...opts.driverIds, ...wave.driverIds.filter((d) => !opts.driverIds.includes(d))];
    const depot = { id: wave.warehouseId, lat: wave.lat, lng: wave.lng, timeZone: wave.timeZone, shiftStart: wave.shiftStart, shiftEnd: wave.shiftEnd };

    const lost = new AbortController();
    const finish = new AbortController();
    this.finishing.set(planId, finish);
    const renew = async (progress?: SolveProgress) => {
      const held = await this.stores.plans.renewLease(planId, this.owner, this.leaseMs, progress);
      // Abandoned by a request that found the lease expired (this pod stalled): stop solving.
      if (!held) lost.abort(new Error(`route plan ${planId}: lease lost, the wave is planned by another request`));
      // Staff asked through another pod: the request reaches this one with the lease.
      else if (held.finishRequested) finish.abort();
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
          ? await solveInWorker(problem, {
            seed,
            timeLimitMs: opts.timeLimitMs,
            onProgress,
            signal: lost.signal,
            finishEarly: finish.signal,
            ...(this.vehicleCost !== undefined ? { vehicleCost: this.vehicleCost } : {}),
          })
          : { routes: [], unserved: [], vehicles: 0, distance: 0, iterations: 0, elapsedMs: 0 };
        const routes = toRoutes(plan, vehicles, stops, wave.date, wave.timeZone, drivers);
        await inTransaction(this.pool, async (client) => {
          // Fencing: the routes are written only while this pod still holds the plan.
          if (!(await this.stores.plans.lockHeld(client, planId, this.owner))) throw new LeaseLostError(planId);
          await this.stores.plans.writeRoutes(client, planId, waveId, wave.warehouseId, routes);
          await this.stores.plans.markDone(client, planId, plan);
        });
      } catch (error) {
        if (lost.signal.aborted || error instanceof LeaseLostError) {
          this.logger.warn({ planId }, 'route plan taken over after its lease expired; result dropped');
          return;
        }
        this.logger.error({ err: error, planId }, 'route planning failed');
        await this.stores.plans.markFailed(planId, this.owner, (error as Error).message).catch(() => undefined);
      } finally {
        clearInterval(heartbeat);
        this.finishing.delete(planId);
      }
    })();
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    if (opts.wait) await work;
    return this.get(planId);
  }

  /**
   * Ends a plan's search early: its routes become the best found so far. Answered at once with the
   * plan as it stands; a plan that already ended is returned unchanged.
   */
  async finish(planId: string): Promise<RoutePlan> {
    if (!isUuid(planId)) throw new DomainError('NOT_FOUND', `planId: no route plan ${planId}`);
    if (await this.stores.plans.requestFinish(planId)) this.finishing.get(planId)?.abort();
    return this.get(planId);
  }

  /**
   * The wave's PLANNING plan while its lease is live. One whose lease ran out (its pod died or
   * stalled) is marked ABANDONED here, so the caller may start another.
   */
  private async livePlan(waveId: string): Promise<string | undefined> {
    const current = await this.stores.plans.planning(waveId);
    if (!current) return undefined;
    if (current.live) return current.id;
    await this.abandonIfExpired(current.id);
    return undefined;
  }

  private async abandonIfExpired(planId: string): Promise<boolean> {
    const owner = await this.stores.plans.abandonIfExpired(planId);
    if (owner) this.logger.warn({ planId, owner }, 'route plan abandoned: its lease expired');
    return owner !== undefined;
  }

  /** The wave's current plan with its routes as they stand; undefined when it was never planned. */
  async ofWave(waveId: string): Promise<RoutePlan | undefined> {
    // A PLANNING plan whose pod died ends first, so the finished plan before it is the current one.
    await this.livePlan(waveId);
    const planId = await this.stores.plans.currentOf(waveId);
    return planId ? this.get(planId) : undefined;
  }

  async get(planId: string): Promise<RoutePlan> {
    if (!isUuid(planId)) throw new DomainError('NOT_FOUND', `planId: no route plan ${planId}`);
    // A poller of a plan whose pod died sees it end instead of PLANNING forever.
    await this.abandonIfExpired(planId);
    const p = await this.stores.plans.byId(planId);
    if (!p) throw new DomainError('NOT_FOUND', `planId: no route plan ${planId}`);
    const routeIds = await this.stores.plans.routeIds(planId);
    const progress = p.progress;
    return {
      id: p.id,
      waveId: p.waveId,
      status: p.status,
      progress: { elapsedMs: Math.round(progress.elapsedMs ?? 0), vehicles: progress.vehicles ?? 0, distance: progress.distance ?? 0, phase: progress.phase ?? 'starting' },
      routes: await Promise.all(routeIds.map((id) => routeView(this.stores.deliveries, this.pool, id))),
      unserved: p.unserved.map((u) => ({ pickupPointId: u.stopId, reason: u.reason, detail: u.detail })),
      error: p.error,
      seed: p.seed,
      timeLimitMs: p.timeLimitMs,
      travelTimes: p.travelTimes,
      finishRequested: p.finishRequested,
    };
  }

  /** Lets plans in flight finish (their worker has its own time limit). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
