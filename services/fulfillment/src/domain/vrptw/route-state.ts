// Routes and solutions with cached forward earliest-start and backward latest-start times
// (Savelsbergh's forward time slack), which make insertion and tail-exchange checks O(1).

import type { Model } from './model.js';

/** Slack for floating-point noise in time and load comparisons. */
export const EPS = 1e-9;

export class Route {
  readonly vehicle: number;
  readonly capacity: number;
  readonly shiftStart: number;
  readonly shiftEnd: number;
  /** nodes[0] and nodes[len + 1] are the depot (0); customers sit at 1..len. */
  readonly nodes: Int32Array;
  len = 0;
  /** Earliest service start at each position (departure for the start depot, arrival for the end depot). */
  readonly est: Float64Array;
  /** Latest service start at each position that keeps the rest of the route feasible. */
  readonly lst: Float64Array;
  /** Demand served up to and including each position. */
  readonly cumLoad: Float64Array;
  load = 0;
  distance = 0;

  constructor(model: Model, vehicle: number) {
    this.vehicle = vehicle;
    this.capacity = model.capacity[vehicle]!;
    this.shiftStart = model.shiftStart[vehicle]!;
    this.shiftEnd = model.shiftEnd[vehicle]!;
    const cap = model.n + 2;
    this.nodes = new Int32Array(cap);
    this.est = new Float64Array(cap);
    this.lst = new Float64Array(cap);
    this.cumLoad = new Float64Array(cap);
    this.refresh(model);
  }

  copyFrom(o: Route): void {
    const k = o.len + 2;
    this.len = o.len;
    const nodes = this.nodes, est = this.est, lst = this.lst, cumLoad = this.cumLoad;
    const on = o.nodes, oe = o.est, ol = o.lst, oc = o.cumLoad;
    for (let i = 0; i < k; i++) {
      nodes[i] = on[i]!;
      est[i] = oe[i]!;
      lst[i] = ol[i]!;
      cumLoad[i] = oc[i]!;
    }
    this.load = o.load;
    this.distance = o.distance;
  }

  /** Recomputes every cache after the node sequence changed. */
  refresh(m: Model): void {
    const { nodes, est, lst, cumLoad } = this;
    const size = m.size;
    const travel = m.travel, dist = m.dist, service = m.service, ready = m.ready, due = m.due, demand = m.demand;
    const last = this.len + 1;
    nodes[0] = 0;
    nodes[last] = 0;
    est[0] = this.shiftStart;
    cumLoad[0] = 0;
    let d = 0;
    let prev = 0;
    for (let k = 1; k <= last; k++) {
      const node = nodes[k]!;
      const arr = est[k - 1]! + service[prev]! + travel[prev * size + node]!;
      const r = ready[node]!;
      est[k] = node === 0 ? arr : (arr > r ? arr : r);
      cumLoad[k] = cumLoad[k - 1]! + demand[node]!;
      d += dist[prev * size + node]!;
      prev = node;
    }
    lst[last] = this.shiftEnd;
    for (let k = last - 1; k >= 0; k--) {
      const node = nodes[k]!;
      const v = lst[k + 1]! - travel[node * size + nodes[k + 1]!]! - service[node]!;
      const dd = due[node]!;
      lst[k] = k === 0 ? v : (v < dd ? v : dd);
    }
    this.load = cumLoad[last]!;
    this.distance = d;
  }

  isFeasible(): boolean {
    if (this.load > this.capacity + EPS) return false;
    for (let k = 0; k <= this.len + 1; k++) if (this.est[k]! > this.lst[k]! + EPS) return false;
    return true;
  }

  /** Can customer u go between positions k and k+1? */
  canInsert(m: Model, u: number, k: number): boolean {
    if (this.load + m.demand[u]! > this.capacity + EPS) return false;
    const size = m.size;
    const p = this.nodes[k]!;
    const q = this.nodes[k + 1]!;
    const arr = this.est[k]! + m.service[p]! + m.travel[p * size + u]!;
    if (arr > m.due[u]! + EPS) return false;
    const r = m.ready[u]!;
    const st = arr > r ? arr : r;
    return st + m.service[u]! + m.travel[u * size + q]! <= this.lst[k + 1]! + EPS;
  }

  insertionCost(m: Model, u: number, k: number): number {
    const size = m.size;
    const p = this.nodes[k]!;
    const q = this.nodes[k + 1]!;
    return m.dist[p * size + u]! + m.dist[u * size + q]! - m.dist[p * size + q]!;
  }
}

export class Solution {
  readonly routes: Route[];
  /** Route index of each node, -1 when unassigned (and for the depot). */
  readonly routeOf: Int32Array;
  /** Position of each node in its route (1-based). */
  readonly posOf: Int32Array;

  /** Routes refreshed since the last takeTouched(), so a copy can be brought back in step cheaply. */
  private readonly touchedMark: Uint8Array;
  private touched: number[] = [];

  constructor(readonly model: Model) {
    this.routes = [];
    for (let v = 0; v < model.vehicleCount; v++) this.routes.push(new Route(model, v));
    this.routeOf = new Int32Array(model.size).fill(-1);
    this.posOf = new Int32Array(model.size);
    this.touchedMark = new Uint8Array(model.vehicleCount);
  }

  /** Returns the routes refreshed since the last call and starts a new list. */
  takeTouched(): number[] {
    const out = this.touched;
    this.touched = [];
    for (const r of out) this.touchedMark[r] = 0;
    return out;
  }

  /**
   * Makes this equal to o when they differ only in `routes` and in where the customers of `moved`
   * sit: O(changed routes) instead of a full copy, which on 1,000 stops and 250 vehicles dominated
   * a ruin-and-recreate iteration.
   */
  syncFrom(o: Solution, routes: readonly number[], moved: ArrayLike<number>): void {
    for (const r of routes) {
      const route = this.routes[r]!;
      route.copyFrom(o.routes[r]!);
      const nodes = route.nodes;
      for (let k = 1; k <= route.len; k++) {
        const c = nodes[k]!;
        this.routeOf[c] = r;
        this.posOf[c] = k;
      }
    }
    for (let i = 0; i < moved.length; i++) {
      const c = moved[i]!;
      this.routeOf[c] = o.routeOf[c]!;
      this.posOf[c] = o.posOf[c]!;
    }
    this.takeTouched();
  }

  copyFrom(o: Solution): void {
    for (let r = 0; r < this.routes.length; r++) this.routes[r]!.copyFrom(o.routes[r]!);
    this.routeOf.set(o.routeOf);
    this.posOf.set(o.posOf);
  }

  clone(): Solution {
    const s = new Solution(this.model);
    s.copyFrom(this);
    return s;
  }

  /** Refreshes a route's caches and the position index of its customers. */
  refreshRoute(r: number): void {
    if (this.touchedMark[r] === 0) {
      this.touchedMark[r] = 1;
      this.touched.push(r);
    }
    const route = this.routes[r]!;
    route.refresh(this.model);
    const nodes = route.nodes;
    for (let k = 1; k <= route.len; k++) {
      const c = nodes[k]!;
      this.routeOf[c] = r;
      this.posOf[c] = k;
    }
  }

  insert(r: number, u: number, k: number): void {
    const route = this.routes[r]!;
    const nodes = route.nodes;
    nodes.copyWithin(k + 2, k + 1, route.len + 2);
    nodes[k + 1] = u;
    route.len++;
    this.refreshRoute(r);
  }

  /** Removes a customer and refreshes its route. */
  remove(u: number): void {
    const r = this.routeOf[u]!;
    const route = this.routes[r]!;
    const k = this.posOf[u]!;
    route.nodes.copyWithin(k, k + 1, route.len + 2);
    route.len--;
    this.routeOf[u] = -1;
    this.refreshRoute(r);
  }

  /** Marks customers unassigned without touching routes; call compactRoute afterwards. */
  detach(u: number): void {
    this.routeOf[u] = -1;
  }

  /** Drops detached customers from a route in one pass. */
  compactRoute(r: number): void {
    const route = this.routes[r]!;
    const nodes = route.nodes;
    let w = 1;
    for (let k = 1; k <= route.len; k++) {
      const c = nodes[k]!;
      if (this.routeOf[c] === r) nodes[w++] = c;
    }
    route.len = w - 1;
    this.refreshRoute(r);
  }

  usedVehicles(): number {
    let k = 0;
    for (const r of this.routes) if (r.len > 0) k++;
    return k;
  }

  totalDistance(): number {
    let d = 0;
    for (const r of this.routes) if (r.len > 0) d += r.distance;
    return d;
  }

  unassignedCount(): number {
    let k = 0;
    for (const c of this.model.customers) if (this.routeOf[c] === -1) k++;
    return k;
  }
}
