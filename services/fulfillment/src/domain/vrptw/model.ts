// Flat typed-array copy of a VrptwProblem that the search loops read; node 0 is the depot,
// node i is stop i-1. Stops that no vehicle can serve are marked inactive and never routed.

import type { VrptwProblem } from './problem.js';

export interface Model {
  /** Number of stops (customers); nodes are 0..n. */
  n: number;
  /** Row length of the flat matrices (n + 1). */
  size: number;
  travel: Float64Array;
  dist: Float64Array;
  demand: Float64Array;
  service: Float64Array;
  ready: Float64Array;
  due: Float64Array;
  active: Uint8Array;
  /** Active customers, ascending. */
  customers: Int32Array;
  vehicleCount: number;
  capacity: Float64Array;
  shiftStart: Float64Array;
  shiftEnd: Float64Array;
  /** Vehicles in the order new routes should take them: most capacity, then longest shift. */
  vehicleOrder: Int32Array;
  /** For each customer, the other active customers by increasing distance (row c, length k). */
  neighbours: Int32Array;
  neighbourCount: number;
  /** True when all vehicles share capacity and shift, which lets tail swaps use O(1) checks. */
  homogeneous: boolean;
}

export function buildModel(problem: VrptwProblem, inactive: ReadonlySet<number>): Model {
  const n = problem.stops.length;
  const size = n + 1;
  const travel = new Float64Array(size * size);
  const dist = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    const tr = problem.travelTime[i] ?? [];
    const dr = problem.distance[i] ?? [];
    for (let j = 0; j < size; j++) {
      travel[i * size + j] = tr[j] ?? 0;
      dist[i * size + j] = dr[j] ?? 0;
    }
  }
  const demand = new Float64Array(size);
  const service = new Float64Array(size);
  const ready = new Float64Array(size);
  const due = new Float64Array(size);
  const active = new Uint8Array(size);
  due[0] = Infinity;
  const customerList: number[] = [];
  problem.stops.forEach((s, i) => {
    const node = i + 1;
    demand[node] = s.demand;
    service[node] = s.serviceTime;
    ready[node] = s.readyTime;
    due[node] = s.dueTime;
    if (!inactive.has(node)) {
      active[node] = 1;
      customerList.push(node);
    }
  });
  const customers = Int32Array.from(customerList);

  const vehicleCount = problem.vehicles.length;
  const capacity = new Float64Array(vehicleCount);
  const shiftStart = new Float64Array(vehicleCount);
  const shiftEnd = new Float64Array(vehicleCount);
  problem.vehicles.forEach((v, k) => {
    capacity[k] = v.capacity;
    shiftStart[k] = v.shiftStart;
    shiftEnd[k] = v.shiftEnd;
  });
  const order = problem.vehicles.map((_, k) => k);
  order.sort((a, b) => {
    const dc = (capacity[b] ?? 0) - (capacity[a] ?? 0);
    if (dc !== 0) return dc;
    const ds = ((shiftEnd[b] ?? 0) - (shiftStart[b] ?? 0)) - ((shiftEnd[a] ?? 0) - (shiftStart[a] ?? 0));
    return ds !== 0 ? ds : a - b;
  });
  let homogeneous = true;
  for (let k = 1; k < vehicleCount; k++) {
    if (capacity[k] !== capacity[0] || shiftStart[k] !== shiftStart[0] || shiftEnd[k] !== shiftEnd[0]) homogeneous = false;
  }

  const neighbourCount = Math.max(0, customers.length - 1);
  const neighbours = new Int32Array(size * Math.max(1, neighbourCount));
  const others: number[] = [];
  for (const c of customers) {
    others.length = 0;
    for (const o of customers) if (o !== c) others.push(o);
    // Symmetrised distance so that "close" means close in both directions on asymmetric matrices.
    others.sort((a, b) => {
      const da = dist[c * size + a]! + dist[a * size + c]!;
      const db = dist[c * size + b]! + dist[b * size + c]!;
      return da !== db ? da - db : a - b;
    });
    for (let k = 0; k < others.length; k++) neighbours[c * neighbourCount + k] = others[k]!;
  }

  return {
    n, size, travel, dist, demand, service, ready, due, active, customers,
    vehicleCount, capacity, shiftStart, shiftEnd, vehicleOrder: Int32Array.from(order),
    neighbours, neighbourCount, homogeneous,
  };
}
