// Greedy cheapest insertion with "blinks" (randomly skipped positions, as in SISR); it builds
// the first solution and rebuilds ruined ones. Under the hierarchical objective new routes are
// opened only as a last resort; with a finite vehicle cost, also when that is cheaper.

import type { Model } from './model.js';
import type { Random } from './random.js';
import { EPS } from './route-state.js';
import type { Solution } from './route-state.js';

/**
 * Inserts each customer of `order` (in that order) at its cheapest feasible position.
 * Returns how many could not be placed; those stay unassigned. `vehicleCost` (distance units)
 * lets an empty vehicle win over a feasible insertion that costs more than it.
 */
export function insertCustomers(
  sol: Solution,
  order: ArrayLike<number>,
  count: number,
  rng: Random,
  blinkRate: number,
  allowNewRoutes: boolean,
  vehicleCost = Infinity,
): number {
  const m = sol.model;
  const routes = sol.routes;
  let missing = 0;
  const size = m.size;
  const travel = m.travel, dist = m.dist, service = m.service;
  // Blinks are drawn as geometric gaps between skipped positions: one draw per blink, not per position.
  const logKeep = blinkRate > 0 ? Math.log(1 - blinkRate) : 0;
  const nextGap = (): number => (blinkRate > 0 ? Math.floor(Math.log(1 - rng.next()) / logKeep) : Infinity);
  let gap = nextGap();
  for (let idx = 0; idx < count; idx++) {
    const u = order[idx]!;
    const du = m.demand[u]!;
    const dueU = m.due[u]!;
    const readyU = m.ready[u]!;
    const serviceU = service[u]!;
    let best = Infinity;
    let bestR = -1;
    let bestK = -1;
    for (let r = 0; r < routes.length; r++) {
      const route = routes[r]!;
      if (route.len === 0 || route.load + du > route.capacity + EPS) continue;
      const nodes = route.nodes, est = route.est, lst = route.lst;
      let p = 0;
      for (let k = 0; k <= route.len; k++) {
        const q = nodes[k + 1]!;
        if (gap-- === 0) {
          gap = nextGap();
          p = q;
          continue;
        }
        const arr = est[k]! + service[p]! + travel[p * size + u]!;
        // Earliest starts grow along a route (triangle inequality), so later slots are late too;
        // if the matrix breaks the inequality this only skips candidates, never admits bad ones.
        if (arr > dueU + EPS) break;
        const cost = dist[p * size + u]! + dist[u * size + q]! - dist[p * size + q]!;
        if (cost < best) {
          const st = arr > readyU ? arr : readyU;
          if (st + serviceU + travel[u * size + q]! <= lst[k + 1]! + EPS) {
            best = cost;
            bestR = r;
            bestK = k;
          }
        }
        p = q;
      }
    }
    const opensCheaper = allowNewRoutes && vehicleCost !== Infinity && dist[u]! + dist[u * size]! + vehicleCost < best;
    if ((bestR < 0 || opensCheaper) && allowNewRoutes) {
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
