// Inter-route moves (relocate, swap, 2-opt*) with O(1) feasibility checks on the cached time
// slacks; used as random feasible perturbations during route elimination and as a final descent.

import type { Model } from './model.js';
import type { Random } from './random.js';
import { EPS } from './route-state.js';
import type { Route, Solution } from './route-state.js';

/** Can the customer at position i of `a` leave it? (Always true under the triangle inequality.) */
function canRemove(m: Model, a: Route, i: number): boolean {
  const size = m.size;
  const p = a.nodes[i - 1]!;
  const q = a.nodes[i + 1]!;
  return a.est[i - 1]! + m.service[p]! + m.travel[p * size + q]! <= a.lst[i + 1]! + EPS;
}

/** Can customer w take the place of position i of route a? */
function canReplace(m: Model, a: Route, i: number, w: number): boolean {
  const size = m.size;
  const u = a.nodes[i]!;
  if (a.load - m.demand[u]! + m.demand[w]! > a.capacity + EPS) return false;
  const p = a.nodes[i - 1]!;
  const q = a.nodes[i + 1]!;
  const arr = a.est[i - 1]! + m.service[p]! + m.travel[p * size + w]!;
  if (arr > m.due[w]! + EPS) return false;
  const r = m.ready[w]!;
  const st = arr > r ? arr : r;
  return st + m.service[w]! + m.travel[w * size + q]! <= a.lst[i + 1]! + EPS;
}

/** Forward simulation of a route made of `a` up to position i then `b` from position j on. */
function spliceFeasible(m: Model, a: Route, i: number, b: Route, j: number): boolean {
  if (a.cumLoad[i]! + b.load - b.cumLoad[j - 1]! > a.capacity + EPS) return false;
  const size = m.size;
  let prev = a.nodes[i]!;
  let t = a.est[i]!;
  for (let k = j; k <= b.len + 1; k++) {
    const node = b.nodes[k]!;
    const arr = t + m.service[prev]! + m.travel[prev * size + node]!;
    if (node === 0) return arr <= a.shiftEnd + EPS;
    if (arr > m.due[node]! + EPS) return false;
    const r = m.ready[node]!;
    t = arr > r ? arr : r;
    prev = node;
  }
  return true;
}

/** 2-opt*: a keeps 0..i and takes b's tail from j+1; b keeps 0..j and takes a's tail from i+1. */
function canTwoOptStar(m: Model, a: Route, i: number, b: Route, j: number): boolean {
  if (!m.homogeneous) return spliceFeasible(m, a, i, b, j + 1) && spliceFeasible(m, b, j, a, i + 1);
  if (a.cumLoad[i]! + b.load - b.cumLoad[j]! > a.capacity + EPS) return false;
  if (b.cumLoad[j]! + a.load - a.cumLoad[i]! > b.capacity + EPS) return false;
  const size = m.size;
  const u = a.nodes[i]!;
  const w = b.nodes[j]!;
  const bn = b.nodes[j + 1]!;
  const an = a.nodes[i + 1]!;
  if (a.est[i]! + m.service[u]! + m.travel[u * size + bn]! > b.lst[j + 1]! + EPS) return false;
  return b.est[j]! + m.service[w]! + m.travel[w * size + an]! <= a.lst[i + 1]! + EPS;
}

const tailBuffer: { buf: Int32Array } = { buf: new Int32Array(0) };

function applyTwoOptStar(sol: Solution, ra: number, i: number, rb: number, j: number): void {
  const a = sol.routes[ra]!;
  const b = sol.routes[rb]!;
  const tailA = a.len - i;
  const tailB = b.len - j;
  if (tailBuffer.buf.length < tailA) tailBuffer.buf = new Int32Array(sol.model.n + 2);
  const buf = tailBuffer.buf;
  buf.set(a.nodes.subarray(i + 1, i + 1 + tailA));
  a.nodes.set(b.nodes.subarray(j + 1, j + 1 + tailB), i + 1);
  a.len = i + tailB;
  b.nodes.set(buf.subarray(0, tailA), j + 1);
  b.len = j + tailA;
  sol.refreshRoute(ra);
  sol.refreshRoute(rb);
}

function applySwap(sol: Solution, u: number, w: number): void {
  const ra = sol.routeOf[u]!;
  const rb = sol.routeOf[w]!;
  sol.routes[ra]!.nodes[sol.posOf[u]!] = w;
  sol.routes[rb]!.nodes[sol.posOf[w]!] = u;
  sol.refreshRoute(ra);
  sol.refreshRoute(rb);
}

function distAt(m: Model, x: number, y: number): number {
  return m.dist[x * m.size + y]!;
}

/**
 * Evaluates one move between u and its neighbour w (in another route). kind: 0 relocate u after w,
 * 1 relocate u before w, 2 swap, 3 2-opt* creating u->w, 4 2-opt* creating w->u.
 * Returns the distance delta, or NaN when infeasible.
 */
function evaluate(sol: Solution, kind: number, u: number, w: number): number {
  const m = sol.model;
  const ra = sol.routeOf[u]!;
  const rb = sol.routeOf[w]!;
  const a = sol.routes[ra]!;
  const b = sol.routes[rb]!;
  const i = sol.posOf[u]!;
  const j = sol.posOf[w]!;
  const up = a.nodes[i - 1]!;
  const un = a.nodes[i + 1]!;
  const wp = b.nodes[j - 1]!;
  const wn = b.nodes[j + 1]!;
  switch (kind) {
    case 0:
    case 1: {
      const k = kind === 0 ? j : j - 1;
      if (!b.canInsert(m, u, k) || !canRemove(m, a, i)) return NaN;
      return b.insertionCost(m, u, k) - (distAt(m, up, u) + distAt(m, u, un) - distAt(m, up, un));
    }
    case 2: {
      if (!canReplace(m, a, i, w) || !canReplace(m, b, j, u)) return NaN;
      return distAt(m, up, w) + distAt(m, w, un) + distAt(m, wp, u) + distAt(m, u, wn)
        - distAt(m, up, u) - distAt(m, u, un) - distAt(m, wp, w) - distAt(m, w, wn);
    }
    case 3: {
      if (!canTwoOptStar(m, a, i, b, j - 1)) return NaN;
      return distAt(m, u, w) + distAt(m, wp, un) - distAt(m, u, un) - distAt(m, wp, w);
    }
    default: {
      if (!canTwoOptStar(m, a, i - 1, b, j)) return NaN;
      return distAt(m, w, u) + distAt(m, up, wn) - distAt(m, up, u) - distAt(m, w, wn);
    }
  }
}

function apply(sol: Solution, kind: number, u: number, w: number): void {
  const ra = sol.routeOf[u]!;
  const rb = sol.routeOf[w]!;
  const i = sol.posOf[u]!;
  const j = sol.posOf[w]!;
  switch (kind) {
    case 0:
    case 1:
      sol.remove(u);
      sol.insert(rb, u, kind === 0 ? j : j - 1);
      return;
    case 2:
      applySwap(sol, u, w);
      return;
    case 3:
      applyTwoOptStar(sol, ra, i, rb, j - 1);
      return;
    default:
      applyTwoOptStar(sol, ra, i - 1, rb, j);
  }
}

/**
 * Random feasible moves that ignore cost (Nagata & Braysy's diversification step).
 * Returns the number of moves applied.
 */
export function perturb(sol: Solution, rng: Random, moves: number, neighbourhood: number): number {
  const m = sol.model;
  const customers = m.customers;
  const kMax = Math.min(neighbourhood, m.neighbourCount);
  if (kMax === 0) return 0;
  let done = 0;
  for (let attempt = 0; attempt < moves * 4 && done < moves; attempt++) {
    const u = customers[rng.int(customers.length)]!;
    const w = m.neighbours[u * m.neighbourCount + rng.int(kMax)]!;
    const ru = sol.routeOf[u]!;
    const rw = sol.routeOf[w]!;
    if (ru < 0 || rw < 0 || ru === rw) continue;
    const kind = rng.int(5);
    if (!Number.isNaN(evaluate(sol, kind, u, w))) {
      apply(sol, kind, u, w);
      done++;
    }
  }
  return done;
}

const IMPROVEMENT = 1e-7;
const sequence: { buf: Int32Array } = { buf: new Int32Array(0) };

/**
 * Is route a feasible once positions from..to hold seq[from..to] instead (same customers, so the
 * load is unchanged)? Simulated from `from`; past `to` the cached latest starts decide at once.
 */
function reorderFeasible(m: Model, a: Route, seq: Int32Array, from: number, to: number): boolean {
  const size = m.size;
  let prev = a.nodes[from - 1]!;
  let t = a.est[from - 1]!;
  for (let k = from; k <= to; k++) {
    const node = seq[k]!;
    const arr = t + m.service[prev]! + m.travel[prev * size + node]!;
    if (arr > m.due[node]! + EPS) return false;
    const r = m.ready[node]!;
    t = arr > r ? arr : r;
    prev = node;
  }
  return t + m.service[prev]! + m.travel[prev * size + a.nodes[to + 1]!]! <= a.lst[to + 1]! + EPS;
}

function sequenceBuffer(sol: Solution): Int32Array {
  if (sequence.buf.length < sol.model.n + 2) sequence.buf = new Int32Array(sol.model.n + 2);
  return sequence.buf;
}

/** Moves the customer at position i of route r to sit right after position j (j != i, i - 1). Returns true if applied. */
function tryIntraRelocate(sol: Solution, r: number, i: number, j: number): boolean {
  const m = sol.model;
  const a = sol.routes[r]!;
  const nodes = a.nodes;
  const u = nodes[i]!;
  const gain = distAt(m, nodes[i - 1]!, u) + distAt(m, u, nodes[i + 1]!) - distAt(m, nodes[i - 1]!, nodes[i + 1]!);
  const cost = distAt(m, nodes[j]!, u) + distAt(m, u, nodes[j + 1]!) - distAt(m, nodes[j]!, nodes[j + 1]!);
  if (cost - gain >= -IMPROVEMENT) return false;
  const seq = sequenceBuffer(sol);
  let from: number;
  let to: number;
  if (j > i) {
    from = i;
    to = j;
    for (let k = i; k < j; k++) seq[k] = nodes[k + 1]!;
    seq[j] = u;
  } else {
    from = j + 1;
    to = i;
    seq[j + 1] = u;
    for (let k = j + 2; k <= i; k++) seq[k] = nodes[k - 1]!;
  }
  if (!reorderFeasible(m, a, seq, from, to)) return false;
  nodes.set(seq.subarray(from, to + 1), from);
  sol.refreshRoute(r);
  return true;
}

/** 2-opt inside route r: reverses positions i+1..j (i < j), joining nodes[i] to nodes[j]. Returns true if applied. */
function tryIntraTwoOpt(sol: Solution, r: number, i: number, j: number): boolean {
  const m = sol.model;
  const a = sol.routes[r]!;
  const nodes = a.nodes;
  // Exact on asymmetric matrices too: the reversed edges inside the segment are counted.
  let delta = distAt(m, nodes[i]!, nodes[j]!) + distAt(m, nodes[i + 1]!, nodes[j + 1]!)
    - distAt(m, nodes[i]!, nodes[i + 1]!) - distAt(m, nodes[j]!, nodes[j + 1]!);
  for (let k = i + 1; k < j; k++) delta += distAt(m, nodes[k + 1]!, nodes[k]!) - distAt(m, nodes[k]!, nodes[k + 1]!);
  if (delta >= -IMPROVEMENT) return false;
  const seq = sequenceBuffer(sol);
  for (let k = i + 1; k <= j; k++) seq[k] = nodes[i + 1 + j - k]!;
  if (!reorderFeasible(m, a, seq, i + 1, j)) return false;
  nodes.set(seq.subarray(i + 1, j + 1), i + 1);
  sol.refreshRoute(r);
  return true;
}

/** Improving moves of u towards its neighbour w on the same route: relocate next to w, or 2-opt. */
function improveIntra(sol: Solution, r: number, u: number, w: number): boolean {
  const i = sol.posOf[u]!;
  const j = sol.posOf[w]!;
  if (j !== i - 1 && tryIntraRelocate(sol, r, i, j)) return true;
  if (j - 1 !== i && j - 1 !== i - 1 && tryIntraRelocate(sol, r, i, j - 1)) return true;
  return i < j ? tryIntraTwoOpt(sol, r, i, j) : tryIntraTwoOpt(sol, r, j, i);
}

/**
 * First-improvement descent over the neighbour lists (granular: only moves that bring a stop next
 * to one of its nearest neighbours) until no improving move is left: between routes relocate,
 * swap and 2-opt*, inside a route relocate and 2-opt.
 */
export function descend(sol: Solution, rng: Random, neighbourhood: number, shouldStop: () => boolean): void {
  const m = sol.model;
  const order = Array.from(m.customers);
  const kMax = Math.min(neighbourhood, m.neighbourCount);
  let improved = true;
  while (improved && !shouldStop()) {
    improved = false;
    rng.shuffle(order);
    for (const u of order) {
      for (let k = 0; k < kMax; k++) {
        const w = m.neighbours[u * m.neighbourCount + k]!;
        const ru = sol.routeOf[u]!;
        const rw = sol.routeOf[w]!;
        if (ru < 0 || rw < 0) continue;
        if (ru === rw) {
          if (improveIntra(sol, ru, u, w)) improved = true;
          continue;
        }
        for (let kind = 0; kind < 5; kind++) {
          const delta = evaluate(sol, kind, u, w);
          if (delta < -IMPROVEMENT) {
            apply(sol, kind, u, w);
            improved = true;
            break;
          }
        }
      }
    }
  }
}
