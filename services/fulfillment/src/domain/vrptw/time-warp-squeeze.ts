// Nagata & Bräysy's squeeze (2009) for route elimination: when no route can take customer v
// feasibly, put it where the overload plus time warp is smallest, then let relocate, swap and
// 2-opt* moves between neighbours drive that penalty down to zero. Only if that fails does the
// caller fall back to ejecting customers, which the squeeze spares when it succeeds.

import type { Model } from './model.js';
import { EPS } from './route-state.js';
import type { Route, Solution } from './route-state.js';

const SQUEEZE_NEIGHBOURS = 30;
/** Improving steps allowed per squeeze; each step strictly lowers the penalty, this only bounds the work. */
const MAX_STEPS = 100;

/** Time warp (lateness forced back to the window) plus load over capacity of a route given as a sequence. */
function penaltyOf(m: Model, route: Route, seq: Int32Array, len: number): number {
  const size = m.size;
  let t = route.shiftStart;
  let prev = 0;
  let warp = 0;
  let load = 0;
  for (let i = 0; i < len; i++) {
    const node = seq[i]!;
    let arr = t + m.service[prev]! + m.travel[prev * size + node]!;
    const r = m.ready[node]!;
    if (arr < r) arr = r;
    const due = m.due[node]!;
    if (arr > due) {
      warp += arr - due;
      arr = due;
    }
    load += m.demand[node]!;
    t = arr;
    prev = node;
  }
  const end = t + m.service[prev]! + m.travel[prev * size]!;
  if (end > route.shiftEnd) warp += end - route.shiftEnd;
  return warp + (load > route.capacity ? load - route.capacity : 0);
}

export class TimeWarpSqueeze {
  private readonly bufA: Int32Array;
  private readonly bufB: Int32Array;
  private readonly bestA: Int32Array;
  private readonly bestB: Int32Array;
  private bestLenA = 0;
  private bestLenB = 0;
  private lenA = 0;
  private lenB = 0;
  /** Penalty of each route, valid for routes of the solution being squeezed. */
  private readonly routePenalty: Float64Array;
  private readonly backup: Solution;

  constructor(private readonly m: Model, sol: Solution) {
    const cap = m.n + 2;
    this.bufA = new Int32Array(cap);
    this.bufB = new Int32Array(cap);
    this.bestA = new Int32Array(cap);
    this.bestB = new Int32Array(cap);
    this.routePenalty = new Float64Array(sol.routes.length);
    this.backup = sol.clone();
  }

  /** Inserts v into sol and repairs it; returns false (sol unchanged) when the penalty cannot reach zero. */
  run(sol: Solution, v: number): boolean {
    const m = this.m;
    let bestPen = Infinity;
    let bestR = -1;
    let bestK = -1;
    const kn = Math.min(SQUEEZE_NEIGHBOURS, m.neighbourCount);
    for (let n = 0; n < kn; n++) {
      const r = sol.routeOf[m.neighbours[v * m.neighbourCount + n]!]!;
      if (r < 0) continue;
      const route = sol.routes[r]!;
      for (let k = 0; k <= route.len; k++) {
        const len = this.withInserted(route, v, k, this.bufA);
        const p = penaltyOf(m, route, this.bufA, len);
        if (p < bestPen) {
          bestPen = p;
          bestR = r;
          bestK = k;
        }
      }
    }
    if (bestR < 0) return false;
    this.backup.copyFrom(sol);
    sol.insert(bestR, v, bestK);
    this.routePenalty.fill(0);
    this.routePenalty[bestR] = bestPen;
    let total = bestPen;
    for (let step = 0; step < MAX_STEPS && total > EPS; step++) {
      const gain = this.bestMove(sol);
      if (gain <= EPS) break;
      total -= gain;
    }
    if (total > EPS || !this.allFeasible(sol)) {
      sol.copyFrom(this.backup);
      return false;
    }
    return true;
  }

  private allFeasible(sol: Solution): boolean {
    for (const route of sol.routes) if (route.len > 0 && !route.isFeasible()) return false;
    return true;
  }

  /** Route nodes with v after position k, into buf; returns the length. */
  private withInserted(route: Route, v: number, k: number, buf: Int32Array): number {
    let w = 0;
    for (let p = 1; p <= route.len; p++) {
      if (p - 1 === k) buf[w++] = v;
      buf[w++] = route.nodes[p]!;
    }
    if (k === route.len) buf[w++] = v;
    return w;
  }

  /**
   * Finds and applies the move that lowers the penalty most among relocate (u next to w), swap
   * and 2-opt* for every customer u of a penalised route and its nearest neighbours w elsewhere.
   * Returns the penalty removed (0 when no move helps).
   */
  private bestMove(sol: Solution): number {
    const m = this.m;
    const kn = Math.min(SQUEEZE_NEIGHBOURS, m.neighbourCount);
    let bestGain = EPS;
    let bestRa = -1;
    let bestRb = -1;
    let bestPa = 0;
    let bestPb = 0;
    for (let ra = 0; ra < sol.routes.length; ra++) {
      if (!(this.routePenalty[ra]! > EPS)) continue;
      const a = sol.routes[ra]!;
      for (let i = 1; i <= a.len; i++) {
        const u = a.nodes[i]!;
        for (let n = 0; n < kn; n++) {
          const w = m.neighbours[u * m.neighbourCount + n]!;
          const rb = sol.routeOf[w]!;
          if (rb < 0 || rb === ra) continue;
          const b = sol.routes[rb]!;
          const j = sol.posOf[w]!;
          const before = this.routePenalty[ra]! + this.routePenalty[rb]!;
          for (let kind = 0; kind < 5; kind++) {
            this.buildA(a, i, b, j, kind);
            const lenA = this.lenA;
            const pa = penaltyOf(m, a, this.bufA, lenA);
            if (before - pa <= bestGain) continue;
            this.buildB(a, i, b, j, kind);
            const lenB = this.lenB;
            const pb = penaltyOf(m, b, this.bufB, lenB);
            const gain = before - pa - pb;
            if (gain > bestGain) {
              bestGain = gain;
              bestRa = ra;
              bestRb = rb;
              bestPa = pa;
              bestPb = pb;
              this.bestA.set(this.bufA.subarray(0, lenA));
              this.bestB.set(this.bufB.subarray(0, lenB));
              this.bestLenA = lenA;
              this.bestLenB = lenB;
            }
          }
        }
      }
    }
    if (bestRa < 0) return 0;
    this.write(sol, bestRa, this.bestA, this.bestLenA);
    this.write(sol, bestRb, this.bestB, this.bestLenB);
    this.routePenalty[bestRa] = bestPa;
    this.routePenalty[bestRb] = bestPb;
    return bestGain;
  }

  private write(sol: Solution, r: number, seq: Int32Array, len: number): void {
    const route = sol.routes[r]!;
    route.nodes.set(seq.subarray(0, len), 1);
    route.len = len;
    sol.refreshRoute(r);
  }

  /**
   * Builds route a (into bufA, length lenA) or route b (bufB, lenB) as it would be after a move of
   * u (position i of a) towards w (position j of b). kind 0: u after w; 1: u before w; 2: swap;
   * 3: 2-opt* joining u -> w; 4: 2-opt* joining w -> u. Built one side at a time, so that a move
   * whose first side alone already loses is dropped at half the cost.
   */
  private buildA(a: Route, i: number, b: Route, j: number, kind: number): void {
    const A = this.bufA;
    const an = a.nodes;
    const bn = b.nodes;
    let la = 0;
    if (kind <= 1) {
      for (let p = 1; p <= a.len; p++) if (p !== i) A[la++] = an[p]!;
    } else if (kind === 2) {
      for (let p = 1; p <= a.len; p++) A[la++] = p === i ? bn[j]! : an[p]!;
    } else {
      // a keeps 1..cutA and takes b from cutB + 1; b keeps 1..cutB and takes a from cutA + 1.
      const cutA = kind === 3 ? i : i - 1;
      const cutB = kind === 3 ? j - 1 : j;
      for (let p = 1; p <= cutA; p++) A[la++] = an[p]!;
      for (let p = cutB + 1; p <= b.len; p++) A[la++] = bn[p]!;
    }
    this.lenA = la;
  }

  private buildB(a: Route, i: number, b: Route, j: number, kind: number): void {
    const B = this.bufB;
    const an = a.nodes;
    const bn = b.nodes;
    let lb = 0;
    if (kind <= 1) {
      const after = kind === 0 ? j : j - 1;
      if (after === 0) B[lb++] = an[i]!;
      for (let p = 1; p <= b.len; p++) {
        B[lb++] = bn[p]!;
        if (p === after) B[lb++] = an[i]!;
      }
    } else if (kind === 2) {
      for (let p = 1; p <= b.len; p++) B[lb++] = p === j ? an[i]! : bn[p]!;
    } else {
      const cutA = kind === 3 ? i : i - 1;
      const cutB = kind === 3 ? j - 1 : j;
      for (let p = 1; p <= cutB; p++) B[lb++] = bn[p]!;
      for (let p = cutA + 1; p <= a.len; p++) B[lb++] = an[p]!;
    }
    this.lenB = lb;
  }
}
