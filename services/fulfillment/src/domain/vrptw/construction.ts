// Greedy cheapest insertion with "blinks" (randomly skipped positions, as in SISR); it builds
// the first solution and rebuilds ruined ones. New routes are opened only as a last resort.

import type { Model } from './model.js';
import type { Random } from './random.js';
import type { Solution } from './route-state.js';

/**
 * Inserts each customer of `order` (in that order) at its cheapest feasible position.
 * Returns how many could not be placed; those stay unassigned.
 */
export function insertCustomers(
  sol: Solution,
  order: ArrayLike<number>,
  count: number,
  rng: Random,
  blinkRate: number,
  allowNewRoutes: boolean,
): number {
  const m = sol.model;
  const routes = sol.routes;
  let missing = 0;
  for (let idx = 0; idx < count; idx++) {
    const u = order[idx]!;
    const du = m.demand[u]!;
    let best = Infinity;
    let bestR = -1;
    let bestK = -1;
    for (let r = 0; r < routes.length; r++) {
      const route = routes[r]!;
      if (route.len === 0 || route.load + du > route.capacity + 1e-9) continue;
      for (let k = 0; k <= route.len; k++) {
        if (blinkRate > 0 && rng.next() < blinkRate) continue;
        const cost = route.insertionCost(m, u, k);
        if (cost < best && route.canInsert(m, u, k)) {
          best = cost;
          bestR = r;
          bestK = k;
        }
      }
    }
    if (bestR < 0 && allowNewRoutes) {
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
