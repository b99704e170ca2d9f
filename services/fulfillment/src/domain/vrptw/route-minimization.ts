// Route elimination in the style of Nagata & Braysy (2009): empty a route into an ejection
// pool and reinsert its customers, ejecting the cheapest set of others (by how often each has
// resisted insertion) when no direct insertion exists, with random feasible moves in between.

import type { Phase } from './budget.js';
import { perturb } from './local-search.js';
import type { Model } from './model.js';
import type { Random } from './random.js';
import { EPS } from './route-state.js';
import { TimeWarpSqueeze } from './time-warp-squeeze.js';
import type { Solution } from './route-state.js';

const MAX_EJECTED = 5;
/** DFS nodes allowed per ejection search, so one step never stalls the time budget. */
const SEARCH_BUDGET = 60_000;
const PERTURB_MOVES = 100;
const PERTURB_NEIGHBOURS = 15;

/** Smallest number of vehicles whose capacities can carry the total demand. */
export function vehicleLowerBound(m: Model): number {
  let total = 0;
  for (const c of m.customers) total += m.demand[c]!;
  const caps = Array.from(m.capacity).sort((a, b) => b - a);
  let k = 0;
  let sum = 0;
  while (k < caps.length && sum < total - EPS) sum += caps[k++]!;
  return Math.max(k, m.customers.length > 0 ? 1 : 0);
}

class EjectionSearch {
  bestPsum = Infinity;
  bestRoute = -1;
  bestPos = -1;
  bestCount = 0;
  readonly bestEjected = new Int32Array(MAX_EJECTED);
  private readonly stack = new Int32Array(MAX_EJECTED);
  private budget = 0;

  // Per-route state of the current search, kept as fields to avoid closures in the hot path.
  private sol!: Solution;
  private v = 0;
  private k = 0;
  private r = 0;
  private totalLoad = 0;

  constructor(private readonly m: Model, private readonly penalty: Int32Array) {}

  run(sol: Solution, v: number, routeOrder: number[]): boolean {
    this.sol = sol;
    this.v = v;
    this.bestPsum = Infinity;
    this.bestRoute = -1;
    this.budget = SEARCH_BUDGET;
    const m = this.m;
    for (const r of routeOrder) {
      const route = sol.routes[r]!;
      if (route.len === 0) continue;
      this.r = r;
      this.totalLoad = route.load + m.demand[v]!;
      for (let k = 0; k <= route.len && this.budget > 0; k++) {
        this.k = k;
        this.dfs(1, 0, route.est[0]!, 0, 0, 0);
      }
    }
    return this.bestRoute >= 0;
  }

  /** i indexes the route with v inserted after position k; positions > k+1 are original ones shifted by one. */
  private dfs(i: number, prev: number, prevStart: number, ejected: number, psum: number, ejectedLoad: number): void {
    if (psum >= this.bestPsum || --this.budget < 0) return;
    const m = this.m;
    const route = this.sol.routes[this.r]!;
    const size = m.size;
    const k = this.k;
    const loadOk = this.totalLoad - ejectedLoad <= route.capacity + EPS;
    if (i === route.len + 2) {
      if (loadOk && prevStart + m.service[prev]! + m.travel[prev * size]! <= route.shiftEnd + EPS) this.record(ejected, psum);
      return;
    }
    const node = i <= k ? route.nodes[i]! : i === k + 1 ? this.v : route.nodes[i - 1]!;
    const arrival = prevStart + m.service[prev]! + m.travel[prev * size + node]!;
    // Past v the rest of the route is unchanged, so its latest start times decide at once.
    if (i > k + 1 && loadOk && arrival <= route.lst[i - 1]! + EPS) {
      this.record(ejected, psum);
      return;
    }
    if (arrival <= m.due[node]! + EPS) {
      const r = m.ready[node]!;
      this.dfs(i + 1, node, arrival > r ? arrival : r, ejected, psum, ejectedLoad);
    }
    if (node !== this.v && ejected < MAX_EJECTED) {
      this.stack[ejected] = node;
      this.dfs(i + 1, prev, prevStart, ejected + 1, psum + this.penalty[node]!, ejectedLoad + m.demand[node]!);
    }
  }

  private record(ejected: number, psum: number): void {
    if (psum >= this.bestPsum) return;
    this.bestPsum = psum;
    this.bestRoute = this.r;
    this.bestPos = this.k;
    this.bestCount = ejected;
    this.bestEjected.set(this.stack.subarray(0, ejected));
  }
}

function insertCheapest(sol: Solution, u: number): boolean {
  const m = sol.model;
  let best = Infinity;
  let bestR = -1;
  let bestK = -1;
  for (let r = 0; r < sol.routes.length; r++) {
    const route = sol.routes[r]!;
    if (route.len === 0 || route.load + m.demand[u]! > route.capacity + EPS) continue;
    for (let k = 0; k <= route.len; k++) {
      const cost = route.insertionCost(m, u, k);
      if (cost < best && route.canInsert(m, u, k)) {
        best = cost;
        bestR = r;
        bestK = k;
      }
    }
  }
  if (bestR < 0) return false;
  sol.insert(bestR, u, bestK);
  return true;
}

/**
 * Empties the pool into the used routes of `sol` (mutating it). Returns true when the pool was emptied,
 * false when the phase ended first; the pool then holds what is left.
 */
function emptyPool(
  sol: Solution,
  pool: number[],
  penalty: Int32Array,
  search: EjectionSearch,
  squeeze: TimeWarpSqueeze,
  rng: Random,
  phase: Phase,
  counter: { iterations: number },
  onPoolSize: (size: number) => void,
): boolean {
  const routeOrder = sol.routes.map((_, r) => r);
  const scratch = new Int32Array(sol.model.n + 2);
  while (pool.length > 0) {
    if (phase.done()) return false;
    counter.iterations++;
    const v = pool.pop()!;
    if (insertCheapest(sol, v) || squeeze.run(sol, v)) {
      onPoolSize(pool.length);
      continue;
    }
    penalty[v]!++;
    rng.shuffle(routeOrder);
    if (search.run(sol, v, routeOrder)) {
      const r = search.bestRoute;
      for (let e = 0; e < search.bestCount; e++) {
        const c = search.bestEjected[e]!;
        sol.detach(c);
        pool.push(c);
      }
      rebuildWith(sol, r, v, search.bestPos, scratch);
      if (!sol.routes[r]!.isFeasible()) throw new Error('internal error: ejection produced an infeasible route');
    } else {
      pool.unshift(v);
    }
    perturb(sol, rng, PERTURB_MOVES, PERTURB_NEIGHBOURS);
    onPoolSize(pool.length);
  }
  return true;
}

/** Rewrites route r without its detached customers and with v after original position k. */
function rebuildWith(sol: Solution, r: number, v: number, k: number, scratch: Int32Array): void {
  const route = sol.routes[r]!;
  let w = 0;
  if (k === 0) scratch[w++] = v;
  for (let pos = 1; pos <= route.len; pos++) {
    const c = route.nodes[pos]!;
    if (sol.routeOf[c] === r) scratch[w++] = c;
    if (pos === k) scratch[w++] = v;
  }
  route.nodes.set(scratch.subarray(0, w), 1);
  route.len = w;
  sol.refreshRoute(r);
}

/**
 * Returns the solution with the fewest routes found (all customers served), or, when the fleet
 * cannot serve everyone, the one with the fewest customers left out.
 */
export function minimizeRoutes(
  start: Solution,
  rng: Random,
  phase: Phase,
  counter: { iterations: number },
  report: (sol: Solution) => void,
): Solution {
  const m = start.model;
  const penalty = new Int32Array(m.size);
  const search = new EjectionSearch(m, penalty);
  // One for the whole phase: its segment tables take routes x stops cells (16 MB at 1,000 stops).
  const squeeze = new TimeWarpSqueeze(m, start);
  const lowerBound = vehicleLowerBound(m);
  const best = start.clone();
  const sol = start.clone();

  // Customers left out by construction (fleet too small) are the first pool.
  const pool: number[] = [];
  for (const c of m.customers) if (sol.routeOf[c] === -1) pool.push(c);
  if (pool.length > 0) {
    penalty.fill(1);
    let fewest = pool.length;
    const done = emptyPool(sol, pool, penalty, search, squeeze, rng, phase, counter, (size) => {
      if (size < fewest) {
        fewest = size;
        best.copyFrom(sol);
      }
    });
    if (!done) return best;
    best.copyFrom(sol);
    report(best);
  }

  while (sol.usedVehicles() > lowerBound && !phase.done()) {
    const used: number[] = [];
    sol.routes.forEach((route, r) => {
      if (route.len > 0) used.push(r);
    });
    const r = used[rng.int(used.length)]!;
    const route = sol.routes[r]!;
    for (let k = 1; k <= route.len; k++) {
      const c = route.nodes[k]!;
      pool.push(c);
      sol.detach(c);
    }
    rng.shuffle(pool);
    sol.compactRoute(r);
    penalty.fill(1);
    if (!emptyPool(sol, pool, penalty, search, squeeze, rng, phase, counter, () => {})) break;
    best.copyFrom(sol);
    report(best);
  }
  pool.length = 0;
  return best;
}
