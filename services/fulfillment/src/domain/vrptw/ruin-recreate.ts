// Distance minimisation by Slack Induction by String Removals (Christiaens & Vanden Berghe
// 2020): remove strings of customers from neighbouring routes, reinsert greedily with blinks,
// and accept by simulated annealing under the hierarchical (unassigned, vehicles, distance) order.

import type { Phase } from './budget.js';
import { insertCustomers } from './construction.js';
import { descend } from './local-search.js';
import type { Model } from './model.js';
import type { Random } from './random.js';
import type { Solution } from './route-state.js';

const AVG_REMOVED = 10;
const MAX_STRING = 10;
const SPLIT_RATE = 0.5;
const SPLIT_DEPTH = 0.5;
export const BLINK_RATE = 0.01;
/**
 * How close to the best a candidate must come to get the local search, and how many neighbours it
 * scans. Only new bests (0): at 150k iterations on r204/r207/rc202 a 1% margin made the run 3-5x
 * slower for a gain that the new-best-only rule mostly got too.
 */
const LS_MARGIN = 0;
const LS_NEIGHBOURS = 30;

export interface Score {
  unassigned: number;
  vehicles: number;
  distance: number;
}

export function score(sol: Solution, unassigned = sol.unassignedCount()): Score {
  return { unassigned, vehicles: sol.usedVehicles(), distance: sol.totalDistance() };
}

/**
 * Negative when a is better: served stops first, then vehicles and then distance (the
 * hierarchical order, vehicleCost Infinity), or vehicleCost × vehicles + distance when finite.
 */
export function compareScores(a: Score, b: Score, vehicleCost = Infinity): number {
  if (a.unassigned !== b.unassigned) return a.unassigned - b.unassigned;
  if (vehicleCost !== Infinity) return weightedCost(a, vehicleCost) - weightedCost(b, vehicleCost);
  if (a.vehicles !== b.vehicles) return a.vehicles - b.vehicles;
  return a.distance - b.distance;
}

/** Within LS_MARGIN of the best distance (or weighted cost), serving as many stops with as few vehicles. */
function closeToBest(a: Score, best: Score, vehicleCost: number): boolean {
  if (a.unassigned > best.unassigned) return false;
  if (a.unassigned < best.unassigned) return true;
  if (vehicleCost !== Infinity) return weightedCost(a, vehicleCost) < weightedCost(best, vehicleCost) * (1 + LS_MARGIN);
  return a.vehicles < best.vehicles || (a.vehicles === best.vehicles && a.distance < best.distance * (1 + LS_MARGIN));
}

function weightedCost(s: Score, vehicleCost: number): number {
  return vehicleCost * s.vehicles + s.distance;
}

export class Ruin {
  readonly removed: number[] = [];
  private readonly ruinedStamp: Int32Array;
  private stamp = 0;

  constructor(private readonly m: Model, routeCount: number) {
    this.ruinedStamp = new Int32Array(routeCount);
  }

  apply(sol: Solution, rng: Random): void {
    const m = this.m;
    this.removed.length = 0;
    this.stamp++;
    let served = 0;
    let used = 0;
    for (const route of sol.routes) {
      if (route.len > 0) {
        served += route.len;
        used++;
      }
    }
    if (used === 0) return;
    const maxString = Math.min(MAX_STRING, served / used);
    const maxStrings = (4 * AVG_REMOVED) / (1 + maxString) - 1;
    const strings = Math.floor(rng.next() * maxStrings) + 1;
    const seed = m.customers[rng.int(m.customers.length)]!;
    let ruined = 0;
    for (let k = -1; k < m.neighbourCount && ruined < strings; k++) {
      const c = k < 0 ? seed : m.neighbours[seed * m.neighbourCount + k]!;
      const r = sol.routeOf[c]!;
      if (r < 0 || this.ruinedStamp[r] === this.stamp) continue;
      this.ruinedStamp[r] = this.stamp;
      ruined++;
      const route = sol.routes[r]!;
      const lMax = Math.min(route.len, maxString);
      const l = Math.floor(rng.next() * lMax) + 1;
      if (l < route.len && rng.next() < SPLIT_RATE) this.splitString(sol, r, c, l, rng);
      else this.string(sol, r, c, l, rng);
      sol.compactRoute(r);
    }
  }

  private string(sol: Solution, r: number, c: number, l: number, rng: Random): void {
    const route = sol.routes[r]!;
    const pc = sol.posOf[c]!;
    const lo = Math.max(1, pc - l + 1);
    const hi = Math.min(pc, route.len - l + 1);
    const first = lo + rng.int(hi - lo + 1);
    for (let p = first; p < first + l; p++) this.take(sol, route.nodes[p]!);
  }

  /** Removes a string of l customers around c but keeps m consecutive ones in the middle of it. */
  private splitString(sol: Solution, r: number, c: number, l: number, rng: Random): void {
    const route = sol.routes[r]!;
    let m = 1;
    while (l + m < route.len && rng.next() < SPLIT_DEPTH) m++;
    const span = l + m;
    const pc = sol.posOf[c]!;
    const lo = Math.max(1, pc - span + 1);
    const hi = Math.min(pc, route.len - span + 1);
    const first = lo + rng.int(hi - lo + 1);
    const keepFrom = first + rng.int(l + 1);
    for (let p = first; p < first + span; p++) {
      if (p >= keepFrom && p < keepFrom + m) continue;
      this.take(sol, route.nodes[p]!);
    }
  }

  private take(sol: Solution, c: number): void {
    sol.detach(c);
    this.removed.push(c);
  }
}

/** SISR's mix of insertion orders: random, by demand, far from depot first, close first. */
export function sortForInsertion(m: Model, list: number[], rng: Random): void {
  const x = rng.int(11);
  if (x < 4) {
    rng.shuffle(list);
  } else if (x < 8) {
    list.sort((a, b) => m.demand[b]! - m.demand[a]! || a - b);
  } else if (x < 10) {
    list.sort((a, b) => m.dist[b]! - m.dist[a]! || a - b);
  } else {
    list.sort((a, b) => m.dist[a]! - m.dist[b]! || a - b);
  }
}

export function minimizeDistance(
  start: Solution,
  rng: Random,
  phase: Phase,
  counter: { iterations: number },
  report: (sol: Solution, s: Score) => void,
  vehicleCost = Infinity,
): Solution {
  const m = start.model;
  const weighted = vehicleCost !== Infinity;
  let current = start.clone();
  let candidate = start.clone();
  const best = start.clone();
  let curScore = score(current);
  let bestScore = curScore;
  const ruin = new Ruin(m, start.routes.length);
  const served = Math.max(1, m.customers.length - curScore.unassigned);
  // Temperatures relative to the mean edge length, so the schedule does not depend on units.
  const meanEdge = curScore.distance / (served + curScore.vehicles) || 1;
  // A hot start matters on tight fleets (e.g. C2 with 3 full routes), where only large
  // detours let the search leave the structure route elimination produced.
  const t0 = 4 * meanEdge;
  const tf = 0.005 * meanEdge;
  const list: number[] = [];
  let changed = candidate.takeTouched();
  current.takeTouched();

  while (!phase.done()) {
    counter.iterations++;
    candidate.syncFrom(current, changed, list);
    ruin.apply(candidate, rng);
    list.length = 0;
    for (const c of ruin.removed) list.push(c);
    if (curScore.unassigned > 0) {
      for (const c of m.customers) if (candidate.routeOf[c] === -1 && !ruin.removed.includes(c)) list.push(c);
    }
    sortForInsertion(m, list, rng);
    // Everything unassigned was in the list, so what insertion could not place is all that is out.
    // A candidate with more routes than a complete current plan is rejected whatever its distance,
    // so its insertion stops there (on capacity-tight rc1 plans 40% of candidates wanted a route more).
    const routeCap = !weighted && curScore.unassigned === 0 ? curScore.vehicles : Infinity;
    const out = insertCustomers(candidate, list, list.length, rng, BLINK_RATE, true, vehicleCost, routeCap);
    if (out < 0) {
      changed = candidate.takeTouched();
      continue;
    }
    let candScore = score(candidate, out);
    // Granular local search only on candidates that come close to the best: rare enough to keep
    // the cheap ruin-and-recreate iterations, and it polishes what the insertion heuristic leaves.
    if (closeToBest(candScore, bestScore, vehicleCost)) {
      descend(candidate, rng, LS_NEIGHBOURS, () => phase.done());
      candScore = score(candidate, out);
    }
    changed = candidate.takeTouched();
    const t = t0 * Math.pow(tf / t0, phase.fraction());
    const order = compareScores(candScore, curScore, vehicleCost);
    // Annealing acts on what may trade off: distance within a vehicle count, or the weighted cost.
    const comparable = candScore.unassigned === curScore.unassigned && (weighted || candScore.vehicles === curScore.vehicles);
    const accept = comparable
      ? (weighted ? weightedCost(candScore, vehicleCost) - weightedCost(curScore, vehicleCost) : candScore.distance - curScore.distance) <
        -t * Math.log(rng.next() + 1e-300)
      : order < 0;
    if (accept) {
      const tmp = current;
      current = candidate;
      candidate = tmp;
      curScore = candScore;
      if (compareScores(curScore, bestScore, vehicleCost) < 0) {
        best.copyFrom(current);
        bestScore = curScore;
        report(best, bestScore);
      }
    }
  }
  return best;
}
