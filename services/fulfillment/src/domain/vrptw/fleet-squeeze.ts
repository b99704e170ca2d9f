// Fleet minimisation by ruin and recreate with absence counters (Christiaens & Vanden Berghe
// 2020, SISR's fleet phase): one route fewer than the best complete plan, customers may stay
// unassigned, and a candidate is kept when it leaves fewer out or leaves out customers that
// have been out less often. It takes over when the ejection search stalls on a route.

import type { Phase } from './budget.js';
import { insertCustomers } from './construction.js';
import type { Random } from './random.js';
import { BLINK_RATE, Ruin, sortForInsertion } from './ruin-recreate.js';
import type { Solution } from './route-state.js';

const STALL_FLOOR = 20_000;
const STALL_FACTOR = 1;

/** Returns the complete plan with the fewest vehicles seen (at worst `start`). */
export function squeezeFleet(
  start: Solution,
  lowerBound: number,
  rng: Random,
  phase: Phase,
  counter: { iterations: number },
  report: (sol: Solution) => void,
): Solution {
  const m = start.model;
  const best = start.clone();
  if (best.unassignedCount() > 0 || best.usedVehicles() <= lowerBound) return best;
  let current = start.clone();
  let candidate = start.clone();
  const absence = new Int32Array(m.size);
  const ruin = new Ruin(m, start.routes.length);
  const list: number[] = [];
  const absenceSum = (sol: Solution): number => {
    let s = 0;
    for (const c of m.customers) if (sol.routeOf[c] === -1) s += absence[c]!;
    return s;
  };
  dropSmallestRoute(current);
  let curOut = current.unassignedCount();
  let fewestOut = curOut;
  const startIteration = counter.iterations;
  let lastProgress = startIteration;

  while (!phase.done() && !stalled(counter.iterations - startIteration, counter.iterations - lastProgress)) {
    counter.iterations++;
    candidate.copyFrom(current);
    ruin.apply(candidate, rng);
    list.length = 0;
    for (const c of m.customers) if (candidate.routeOf[c] === -1) list.push(c);
    sortForInsertion(m, list, rng);
    insertCustomers(candidate, list, list.length, rng, BLINK_RATE, false);
    const out = candidate.unassignedCount();
    for (const c of m.customers) if (candidate.routeOf[c] === -1) absence[c]!++;
    if (out < curOut || absenceSum(candidate) < absenceSum(current)) {
      const tmp = current;
      current = candidate;
      candidate = tmp;
      curOut = out;
      if (curOut < fewestOut) {
        fewestOut = curOut;
        lastProgress = counter.iterations;
      }
    }
    if (curOut === 0) {
      best.copyFrom(current);
      report(best);
      if (best.usedVehicles() <= lowerBound) break;
      dropSmallestRoute(current);
      curOut = current.unassignedCount();
      fewestOut = curOut;
      lastProgress = counter.iterations;
    }
  }
  return best;
}

/**
 * Hands the rest of the budget to distance minimisation once the squeeze has gone as long without
 * leaving fewer stops out as it had run before its last progress (and at least STALL_FLOOR):
 * where the lower bound is out of reach (rc202: bound 2, best-known 3) it otherwise spent 45% of
 * the budget on a route that cannot go.
 */
function stalled(ran: number, sinceProgress: number): boolean {
  return sinceProgress > STALL_FLOOR && sinceProgress > STALL_FACTOR * (ran - sinceProgress);
}

/** Unassigns every customer of the used route with the fewest customers. */
function dropSmallestRoute(sol: Solution): void {
  let pick = -1;
  sol.routes.forEach((route, r) => {
    if (route.len > 0 && (pick < 0 || route.len < sol.routes[pick]!.len)) pick = r;
  });
  if (pick < 0) return;
  const route = sol.routes[pick]!;
  for (let k = 1; k <= route.len; k++) sol.detach(route.nodes[k]!);
  sol.compactRoute(pick);
}
