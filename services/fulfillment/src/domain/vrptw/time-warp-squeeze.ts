// Nagata & Bräysy's squeeze (2009) for route elimination: when no route can take customer v
// feasibly, put it where the overload plus time warp is smallest, then let relocate, swap and
// 2-opt* moves between neighbours drive that penalty down to zero. Only if that fails does the
// caller fall back to ejecting customers, which the squeeze spares when it succeeds.
// Moves are priced by joining time-warp segments (Vidal et al. 2013), O(1) per candidate: walking
// both routes per candidate made the squeeze 70% of route elimination on r104, and route
// elimination there ran 1,750 pool steps a second; now about 2,900.

import type { Model } from './model.js';
import { EPS } from './route-state.js';
import type { Route, Solution } from './route-state.js';

const SQUEEZE_NEIGHBOURS = 30;
/** Improving steps allowed per squeeze; each step strictly lowers the penalty, this only bounds the work. */
const MAX_STEPS = 100;

/** Time warp (lateness forced back to the window) plus load over capacity of a route given as a sequence: the exact price of an applied move. */
export function timeWarpPenalty(m: Model, route: Route, seq: Int32Array, len: number): number {
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

/**
 * Prefix and suffix time-warp segments of the routes being squeezed, and an accumulator that
 * joins them. A segment is (duration, time warp, earliest start, latest start) of a visit
 * sequence; joining two costs a few arithmetic steps, so a move's penalty never walks a route.
 */
export class RouteSegments {
  private readonly fD: Float64Array;
  private readonly fTW: Float64Array;
  private readonly fE: Float64Array;
  private readonly fL: Float64Array;
  private readonly sD: Float64Array;
  private readonly sTW: Float64Array;
  private readonly sE: Float64Array;
  private readonly sL: Float64Array;
  private readonly builtAt: Int32Array;
  private generation = 1;
  private readonly cap: number;
  /** The accumulated segment. */
  d = 0;
  tw = 0;
  e = 0;
  l = 0;
  last = 0;

  constructor(private readonly m: Model, routeCount: number) {
    this.cap = m.n + 2;
    const cells = routeCount * this.cap;
    this.fD = new Float64Array(cells);
    this.fTW = new Float64Array(cells);
    this.fE = new Float64Array(cells);
    this.fL = new Float64Array(cells);
    this.sD = new Float64Array(cells);
    this.sTW = new Float64Array(cells);
    this.sE = new Float64Array(cells);
    this.sL = new Float64Array(cells);
    this.builtAt = new Int32Array(routeCount);
  }

  /** Every route may have changed. */
  invalidateAll(): void {
    this.generation++;
  }

  invalidate(r: number): void {
    this.builtAt[r] = 0;
  }

  /** Builds route r's prefixes (start depot to position k) and suffixes (position k to the last customer). */
  ensure(route: Route, r: number): void {
    if (this.builtAt[r] === this.generation) return;
    this.builtAt[r] = this.generation;
    const m = this.m;
    const nodes = route.nodes;
    const base = r * this.cap;
    this.startAtDepot(route);
    this.store(this.fD, this.fTW, this.fE, this.fL, base);
    for (let k = 1; k <= route.len; k++) {
      this.addNode(nodes[k]!);
      this.store(this.fD, this.fTW, this.fE, this.fL, base + k);
    }
    for (let k = route.len; k >= 1; k--) {
      const v = nodes[k]!;
      if (k === route.len) {
        this.d = m.service[v]!;
        this.tw = 0;
        this.e = m.ready[v]!;
        this.l = m.due[v]!;
      } else {
        const o = base + k + 1;
        this.join(m.service[v]!, 0, m.ready[v]!, m.due[v]!, v, this.sD[o]!, this.sTW[o]!, this.sE[o]!, this.sL[o]!, nodes[k + 1]!);
      }
      this.store(this.sD, this.sTW, this.sE, this.sL, base + k);
    }
  }

  private store(D: Float64Array, TW: Float64Array, E: Float64Array, L: Float64Array, o: number): void {
    D[o] = this.d;
    TW[o] = this.tw;
    E[o] = this.e;
    L[o] = this.l;
  }

  /** The vehicle leaves the depot at its shift start, as Route's forward times assume. */
  private startAtDepot(route: Route): void {
    this.d = this.m.service[0]!;
    this.tw = 0;
    this.e = route.shiftStart;
    this.l = route.shiftStart;
    this.last = 0;
  }

  /** Accumulator := route r from its depot up to position k (built routes only). */
  fromPrefix(route: Route, r: number, k: number): void {
    const o = r * this.cap + k;
    this.d = this.fD[o]!;
    this.tw = this.fTW[o]!;
    this.e = this.fE[o]!;
    this.l = this.fL[o]!;
    this.last = route.nodes[k]!;
  }

  addNode(v: number): void {
    const m = this.m;
    this.join(this.d, this.tw, this.e, this.l, this.last, m.service[v]!, 0, m.ready[v]!, m.due[v]!, v);
    this.last = v;
  }

  /** Appends positions k..len of route r (nothing when k is past its last customer). */
  addSuffix(route: Route, r: number, k: number): void {
    if (k > route.len) return;
    const o = r * this.cap + k;
    this.join(this.d, this.tw, this.e, this.l, this.last, this.sD[o]!, this.sTW[o]!, this.sE[o]!, this.sL[o]!, route.nodes[k]!);
    this.last = route.nodes[route.len]!;
  }

  /** Appends the end depot of `route` and returns the total time warp. */
  closeAt(route: Route): number {
    this.join(this.d, this.tw, this.e, this.l, this.last, 0, 0, route.shiftStart, route.shiftEnd, 0);
    return this.tw;
  }

  /** Accumulator := segment 1 (ending at node last1) followed by segment 2 (starting at node first2). */
  private join(d1: number, tw1: number, e1: number, l1: number, last1: number, d2: number, tw2: number, e2: number, l2: number, first2: number): void {
    const edge = this.m.travel[last1 * this.m.size + first2]!;
    const delta = d1 - tw1 + edge;
    const wait = e2 - delta - l1 > 0 ? e2 - delta - l1 : 0;
    const warp = e1 + delta - l2 > 0 ? e1 + delta - l2 : 0;
    this.d = d1 + d2 + edge + wait;
    this.tw = tw1 + tw2 + warp;
    this.e = (e2 - delta > e1 ? e2 - delta : e1) - wait;
    this.l = (l2 - delta < l1 ? l2 - delta : l1) + warp;
  }
}

export class TimeWarpSqueeze {
  private readonly bufA: Int32Array;
  private readonly bufB: Int32Array;
  private lenA = 0;
  private lenB = 0;
  /** Penalty of each route, valid for routes of the solution being squeezed. */
  private readonly routePenalty: Float64Array;
  private readonly backup: Solution;
  private readonly seg: RouteSegments;
  /** Routes already priced for the current insertion (several neighbours share a route). */
  private readonly seen: Int32Array;
  private visit = 0;

  constructor(private readonly m: Model, sol: Solution) {
    const cap = m.n + 2;
    this.bufA = new Int32Array(cap);
    this.bufB = new Int32Array(cap);
    this.routePenalty = new Float64Array(sol.routes.length);
    this.backup = sol.clone();
    this.seg = new RouteSegments(m, sol.routes.length);
    this.seen = new Int32Array(sol.routes.length);
  }

  /** Inserts v into sol and repairs it; returns false (sol unchanged) when the penalty cannot reach zero. */
  run(sol: Solution, v: number): boolean {
    const m = this.m;
    const seg = this.seg;
    seg.invalidateAll();
    this.visit++;
    let bestPen = Infinity;
    let bestR = -1;
    let bestK = -1;
    const kn = Math.min(SQUEEZE_NEIGHBOURS, m.neighbourCount);
    for (let n = 0; n < kn; n++) {
      const r = sol.routeOf[m.neighbours[v * m.neighbourCount + n]!]!;
      if (r < 0 || this.seen[r] === this.visit) continue;
      this.seen[r] = this.visit;
      const route = sol.routes[r]!;
      seg.ensure(route, r);
      const over = route.load + m.demand[v]! - route.capacity;
      for (let k = 0; k <= route.len; k++) {
        seg.fromPrefix(route, r, k);
        seg.addNode(v);
        seg.addSuffix(route, r, k + 1);
        const p = seg.closeAt(route) + (over > 0 ? over : 0);
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
    seg.invalidate(bestR);
    const inserted = sol.routes[bestR]!;
    this.routePenalty.fill(0);
    this.routePenalty[bestR] = timeWarpPenalty(m, inserted, inserted.nodes.subarray(1), inserted.len);
    let total = this.routePenalty[bestR]!;
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

  /**
   * Finds and applies the move that lowers the penalty most among relocate (u next to w), swap
   * and 2-opt* for every customer u of a penalised route and its nearest neighbours w elsewhere.
   * Returns the penalty removed (0 when no move helps).
   */
  private bestMove(sol: Solution): number {
    const m = this.m;
    const seg = this.seg;
    const kn = Math.min(SQUEEZE_NEIGHBOURS, m.neighbourCount);
    let bestGain = EPS;
    let bestRa = -1;
    let bestRb = -1;
    let bestI = 0;
    let bestJ = 0;
    let bestKind = 0;
    for (let ra = 0; ra < sol.routes.length; ra++) {
      if (!(this.routePenalty[ra]! > EPS)) continue;
      const a = sol.routes[ra]!;
      seg.ensure(a, ra);
      for (let i = 1; i <= a.len; i++) {
        const u = a.nodes[i]!;
        for (let n = 0; n < kn; n++) {
          const w = m.neighbours[u * m.neighbourCount + n]!;
          const rb = sol.routeOf[w]!;
          if (rb < 0 || rb === ra) continue;
          const b = sol.routes[rb]!;
          seg.ensure(b, rb);
          const j = sol.posOf[w]!;
          const before = this.routePenalty[ra]! + this.routePenalty[rb]!;
          for (let kind = 0; kind < 5; kind++) {
            const pa = this.priceA(a, ra, i, b, rb, j, kind);
            if (before - pa <= bestGain) continue;
            const gain = before - pa - this.priceB(a, ra, i, b, rb, j, kind);
            if (gain > bestGain) {
              bestGain = gain;
              bestRa = ra;
              bestRb = rb;
              bestI = i;
              bestJ = j;
              bestKind = kind;
            }
          }
        }
      }
    }
    if (bestRa < 0) return 0;
    const a = sol.routes[bestRa]!;
    const b = sol.routes[bestRb]!;
    this.buildA(a, bestI, b, bestJ, bestKind);
    this.buildB(a, bestI, b, bestJ, bestKind);
    this.write(sol, bestRa, this.bufA, this.lenA);
    this.write(sol, bestRb, this.bufB, this.lenB);
    seg.invalidate(bestRa);
    seg.invalidate(bestRb);
    // Priced exactly once applied, so rounding in the joined segments never accumulates.
    const before = this.routePenalty[bestRa]! + this.routePenalty[bestRb]!;
    this.routePenalty[bestRa] = timeWarpPenalty(m, a, a.nodes.subarray(1), a.len);
    this.routePenalty[bestRb] = timeWarpPenalty(m, b, b.nodes.subarray(1), b.len);
    return before - this.routePenalty[bestRa]! - this.routePenalty[bestRb]!;
  }

  /**
   * Penalty of route a after a move of u (position i of a) towards w (position j of b). kind 0:
   * u after w; 1: u before w; 2: swap; 3: 2-opt* joining u -> w; 4: 2-opt* joining w -> u.
   */
  private priceA(a: Route, ra: number, i: number, b: Route, rb: number, j: number, kind: number): number {
    const m = this.m;
    const seg = this.seg;
    let load: number;
    if (kind <= 1) {
      seg.fromPrefix(a, ra, i - 1);
      seg.addSuffix(a, ra, i + 1);
      load = a.load - m.demand[a.nodes[i]!]!;
    } else if (kind === 2) {
      const w = b.nodes[j]!;
      seg.fromPrefix(a, ra, i - 1);
      seg.addNode(w);
      seg.addSuffix(a, ra, i + 1);
      load = a.load - m.demand[a.nodes[i]!]! + m.demand[w]!;
    } else {
      const cutA = kind === 3 ? i : i - 1;
      const cutB = kind === 3 ? j - 1 : j;
      seg.fromPrefix(a, ra, cutA);
      seg.addSuffix(b, rb, cutB + 1);
      load = a.cumLoad[cutA]! + b.load - b.cumLoad[cutB]!;
    }
    const over = load - a.capacity;
    return seg.closeAt(a) + (over > 0 ? over : 0);
  }

  /**
   * Penalty of route b after the same move. Swap and 2-opt* look the same from b's side (2-opt*
   * u -> w is, seen from b, 2-opt* joining w's predecessor to u's successor), so they are priceA
   * with the roles exchanged; only a relocation differs: b takes u.
   */
  private priceB(a: Route, ra: number, i: number, b: Route, rb: number, j: number, kind: number): number {
    if (kind >= 2) return this.priceA(b, rb, j, a, ra, i, kind === 2 ? 2 : 7 - kind);
    const seg = this.seg;
    const u = a.nodes[i]!;
    const after = kind === 0 ? j : j - 1;
    seg.fromPrefix(b, rb, after);
    seg.addNode(u);
    seg.addSuffix(b, rb, after + 1);
    const over = b.load + this.m.demand[u]! - b.capacity;
    return seg.closeAt(b) + (over > 0 ? over : 0);
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
   * 3: 2-opt* joining u -> w; 4: 2-opt* joining w -> u, as priced by priceA and priceB. Only the
   * chosen move is built.
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
