// Greedy cheapest insertion with "blinks" (randomly skipped positions, as in SISR); it builds
// the first solution and rebuilds ruined ones. Under the hierarchical objective new routes are
// opened only as a last resort; with a finite vehicle cost, also when that is cheaper.

import type { Model } from './model.js';
import type { Random } from './random.js';
import { EPS } from './route-state.js';
import type { Route, Solution } from './route-state.js';

/**
 * Routes scanned per insertion when the plan is large: those holding one of the customer's
 * nearest neighbours. The rest are scanned only when none of these can take it, so a customer is
 * never left out for being far from everyone. On 1,000 stops the full scan over ~100 routes was
 * two thirds of the run; a detour into a route that has none of these neighbours is rarely the cheapest.
 */
const GRANULAR_NEIGHBOURS = 40;
/** Below this many customers every route is scanned, as before (Solomon's 100-stop plans). */
const GRANULAR_MIN_CUSTOMERS = 150;

let routeMark = new Int32Array(0);
let markStamp = 0;
let nearRoutes = new Int32Array(0);

/** Cheapest feasible position found so far by scanRoute. */
const found = { cost: Infinity, route: -1, pos: -1 };

/**
 * Inserts each customer of `order` (in that order) at its cheapest feasible position.
 * Returns how many could not be placed; those stay unassigned. `vehicleCost` (distance units)
 * lets an empty vehicle win over a feasible insertion that costs more than it. With `maxRoutes`,
 * gives up (returning -1, the rest of `order` left unassigned) as soon as placing a customer
 * would take more routes than that: the caller would throw such a plan away anyway.
 */
export function insertCustomers(
  sol: Solution,
  order: ArrayLike<number>,
  count: number,
  rng: Random,
  blinkRate: number,
  allowNewRoutes: boolean,
  vehicleCost = Infinity,
  maxRoutes = Infinity,
): number {
  const m = sol.model;
  const routes = sol.routes;
  let missing = 0;
  const size = m.size;
  const dist = m.dist;
  const granular = m.customers.length >= GRANULAR_MIN_CUSTOMERS ? Math.min(GRANULAR_NEIGHBOURS, m.neighbourCount) : 0;
  if (routeMark.length < routes.length) {
    routeMark = new Int32Array(routes.length);
    nearRoutes = new Int32Array(routes.length);
    markStamp = 0;
  }
  const blinks = new Blinks(rng, blinkRate);
  let used = maxRoutes === Infinity ? 0 : sol.usedVehicles();
  for (let idx = 0; idx < count; idx++) {
    const u = order[idx]!;
    found.cost = Infinity;
    found.route = -1;
    found.pos = -1;
    if (granular > 0) {
      const stamp = ++markStamp;
      let near = 0;
      const base = u * m.neighbourCount;
      for (let k = 0; k < granular; k++) {
        const r = sol.routeOf[m.neighbours[base + k]!]!;
        if (r < 0 || routeMark[r] === stamp) continue;
        routeMark[r] = stamp;
        nearRoutes[near++] = r;
      }
      for (let i = 0; i < near; i++) scanRoute(m, routes[nearRoutes[i]!]!, nearRoutes[i]!, u, blinks);
      if (found.route < 0) {
        for (let r = 0; r < routes.length; r++) if (routeMark[r] !== stamp) scanRoute(m, routes[r]!, r, u, blinks);
      }
    } else {
      for (let r = 0; r < routes.length; r++) scanRoute(m, routes[r]!, r, u, blinks);
    }
    let bestR = found.route;
    let bestK = found.pos;
    const opensCheaper = allowNewRoutes && vehicleCost !== Infinity && dist[u]! + dist[u * size]! + vehicleCost < found.cost;
    if ((bestR < 0 || opensCheaper) && allowNewRoutes) {
      if (++used > maxRoutes) return -1;
      for (const v of m.vehicleOrder) {
        const route = routes[v]!;
        if (route.len === 0 && route.canInsert(m, u, 0)) {
          bestR = v;
          bestK = 0;
          break;
        }
      }
    }
    if (bestR < 0) missing++;
    else sol.insert(bestR, u, bestK);
  }
  return missing;
}

/** Randomly skipped positions, drawn as geometric gaps: one draw per blink, not per position. */
class Blinks {
  private readonly logKeep: number;
  gap: number;

  constructor(private readonly rng: Random, private readonly rate: number) {
    this.logKeep = rate > 0 ? Math.log(1 - rate) : 0;
    this.gap = this.nextGap();
  }

  nextGap(): number {
    return this.rate > 0 ? Math.floor(Math.log(1 - this.rng.next()) / this.logKeep) : Infinity;
  }
}

/** Updates `found` with the cheapest feasible position for u in route r (non-empty routes only). */
function scanRoute(m: Model, route: Route, r: number, u: number, blinks: Blinks): void {
  if (route.len === 0 || route.load + m.demand[u]! > route.capacity + EPS) return;
  const size = m.size;
  const travel = m.travel, dist = m.dist, service = m.service;
  const dueU = m.due[u]!;
  const readyU = m.ready[u]!;
  const serviceU = service[u]!;
  const nodes = route.nodes, est = route.est, lst = route.lst;
  let p = 0;
  for (let k = 0; k <= route.len; k++) {
    const q = nodes[k + 1]!;
    if (blinks.gap-- === 0) {
      blinks.gap = blinks.nextGap();
      p = q;
      continue;
    }
    const arr = est[k]! + service[p]! + travel[p * size + u]!;
    // Earliest starts grow along a route (triangle inequality), so later slots are late too;
    // if the matrix breaks the inequality this only skips candidates, never admits bad ones.
    if (arr > dueU + EPS) break;
    const cost = dist[p * size + u]! + dist[u * size + q]! - dist[p * size + q]!;
    if (cost < found.cost) {
      const st = arr > readyU ? arr : readyU;
      if (st + serviceU + travel[u * size + q]! <= lst[k + 1]! + EPS) {
        found.cost = cost;
        found.route = r;
        found.pos = k;
      }
    }
    p = q;
  }
}

/** First solution: customers far from the depot first, since they are the hardest to fit later. */
export function constructInitial(sol: Solution, m: Model, rng: Random): void {
  const order = Array.from(m.customers);
  const size = m.size;
  order.sort((a, b) => {
    const da = m.dist[a]! + m.dist[a * size]!;
    const db = m.dist[b]! + m.dist[b * size]!;
    return da !== db ? db - da : a - b;
  });
  insertCustomers(sol, order, order.length, rng, 0, true);
}
