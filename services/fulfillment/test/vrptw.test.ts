// Tests of the VRPTW solver: hand-made instances with known optima, brute-force comparison on
// tiny random instances, unservable stops, determinism, Solomon quality and input validation.
// Every plan is replayed by an independent checker written against the raw problem only.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveVrptw, validateProblem } from '../src/domain/vrptw/index.js';
import type { RoutePlan, VrptwProblem, VrptwStop } from '../src/domain/vrptw/index.js';

const TOL = 1e-6;

/** Replays every route from the raw problem; returns the list of violations. */
function violations(p: VrptwProblem, plan: RoutePlan): string[] {
  const out: string[] = [];
  const nodeOf = new Map(p.stops.map((s, i) => [s.id, i + 1] as const));
  const count = new Map<string, number>();
  const vehiclesSeen = new Set<string>();
  let total = 0;
  for (const route of plan.routes) {
    const v = p.vehicles.find((x) => x.id === route.vehicleId);
    if (!v) {
      out.push(`unknown vehicle ${route.vehicleId}`);
      continue;
    }
    if (vehiclesSeen.has(v.id)) out.push(`vehicle ${v.id} has two routes`);
    vehiclesSeen.add(v.id);
    if (route.visits.length === 0) out.push(`vehicle ${v.id} has an empty route`);
    if (route.start < v.shiftStart - TOL) out.push(`vehicle ${v.id} leaves at ${route.start} before its shift`);
    let clock = Math.max(route.start, v.shiftStart);
    let at = 0;
    let load = 0;
    let dist = 0;
    for (const visit of route.visits) {
      const node = nodeOf.get(visit.stopId);
      if (node === undefined) {
        out.push(`unknown stop ${visit.stopId}`);
        continue;
      }
      count.set(visit.stopId, (count.get(visit.stopId) ?? 0) + 1);
      const stop = p.stops[node - 1]!;
      const arrival = clock + p.travelTime[at]![node]!;
      const begin = Math.max(arrival, stop.readyTime);
      if (begin > stop.dueTime + TOL) out.push(`stop ${stop.id} served at ${begin} after due ${stop.dueTime}`);
      if (Math.abs(visit.serviceStart - begin) > TOL) out.push(`stop ${stop.id}: reported start ${visit.serviceStart}, replayed ${begin}`);
      load += stop.demand;
      dist += p.distance[at]![node]!;
      clock = begin + stop.serviceTime;
      at = node;
    }
    const back = clock + p.travelTime[at]![0]!;
    dist += p.distance[at]![0]!;
    if (back > v.shiftEnd + TOL) out.push(`vehicle ${v.id} back at ${back} after shift end ${v.shiftEnd}`);
    if (load > v.capacity + TOL) out.push(`vehicle ${v.id} carries ${load} > capacity ${v.capacity}`);
    if (Math.abs(dist - route.distance) > TOL) out.push(`vehicle ${v.id}: distance ${route.distance} != ${dist}`);
    total += dist;
  }
  for (const u of plan.unserved) count.set(u.stopId, (count.get(u.stopId) ?? 0) + 1);
  for (const s of p.stops) if (count.get(s.id) !== 1) out.push(`stop ${s.id} appears ${count.get(s.id) ?? 0} times`);
  if (Math.abs(total - plan.distance) > TOL * Math.max(1, total)) out.push(`total distance ${plan.distance} != ${total}`);
  if (plan.vehicles !== plan.routes.length) out.push('vehicles differs from the number of routes');
  return out;
}

function assertFeasible(p: VrptwProblem, plan: RoutePlan): void {
  assert.deepEqual(violations(p, plan), []);
}

type Point = readonly [number, number];

function euclid(points: Point[]): number[][] {
  return points.map((a) => points.map((b) => Math.hypot(a[0] - b[0], a[1] - b[1])));
}

function makeProblem(
  depot: Point,
  stops: (Omit<VrptwStop, 'id'> & { at: Point })[],
  vehicles: { capacity: number; shiftStart?: number; shiftEnd?: number }[],
): VrptwProblem {
  const m = euclid([depot, ...stops.map((s) => s.at)]);
  return {
    depot: { id: 'depot' },
    stops: stops.map(({ at: _at, ...s }, i) => ({ id: `s${i + 1}`, ...s })),
    vehicles: vehicles.map((v, k) => ({ id: `v${k + 1}`, capacity: v.capacity, shiftStart: v.shiftStart ?? 0, shiftEnd: v.shiftEnd ?? 1000 })),
    travelTime: m,
    distance: m,
  };
}

const open = { serviceTime: 0, readyTime: 0, dueTime: 1000 };

/** Exhaustive hierarchical optimum (vehicles, then distance) of a tiny homogeneous instance. */
function bruteForce(p: VrptwProblem): { vehicles: number; distance: number } {
  const cap = p.vehicles[0]!.capacity;
  const shiftEnd = p.vehicles[0]!.shiftEnd;
  const shiftStart = p.vehicles[0]!.shiftStart;
  const routeOk = (r: number[]): number => {
    let t = shiftStart, at = 0, load = 0, d = 0;
    for (const node of r) {
      const s = p.stops[node - 1]!;
      t = Math.max(t + p.travelTime[at]![node]!, s.readyTime);
      if (t > s.dueTime) return Infinity;
      t += s.serviceTime;
      load += s.demand;
      d += p.distance[at]![node]!;
      at = node;
    }
    if (t + p.travelTime[at]![0]! > shiftEnd || load > cap) return Infinity;
    return d + p.distance[at]![0]!;
  };
  let best = { vehicles: Infinity, distance: Infinity };
  const routes: number[][] = [];
  const rec = (next: number): void => {
    if (next > p.stops.length) {
      if (routes.length > p.vehicles.length) return;
      let d = 0;
      for (const r of routes) d += routeOk(r);
      if (d === Infinity) return;
      if (routes.length < best.vehicles || (routes.length === best.vehicles && d < best.distance)) best = { vehicles: routes.length, distance: d };
      return;
    }
    for (const r of routes) {
      for (let k = 0; k <= r.length; k++) {
        r.splice(k, 0, next);
        rec(next + 1);
        r.splice(k, 1);
      }
    }
    routes.push([next]);
    rec(next + 1);
    routes.pop();
  };
  rec(1);
  return best;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const solomonDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/bench/vrptw');

function loadSolomon(name: string): VrptwProblem {
  const lines = readFileSync(join(solomonDir, 'solomon', `${name}.txt`), 'utf8').split(/\r?\n/).map((l) => l.trim());
  const head = lines.findIndex((l) => l.startsWith('NUMBER'));
  const [fleet, capacity] = lines[head + 1]!.split(/\s+/).map(Number) as [number, number];
  const rows = lines.filter((l) => /^\d+(\s+\d+){6}$/.test(l)).map((l) => l.split(/\s+/).map(Number));
  const depot = rows[0]!;
  const m = euclid(rows.map((r) => [r[1]!, r[2]!] as const));
  return {
    depot: { id: 'depot' },
    stops: rows.slice(1).map((r) => ({ id: `c${r[0]}`, demand: r[3]!, readyTime: r[4]!, dueTime: r[5]!, serviceTime: r[6]! })),
    vehicles: Array.from({ length: fleet }, (_, k) => ({ id: `v${k + 1}`, capacity, shiftStart: depot[4]!, shiftEnd: depot[5]! })),
    travelTime: m,
    distance: m,
  };
}

function bks(name: string): { vehicles: number; distance: number } {
  const line = readFileSync(join(solomonDir, 'solomon-bks.csv'), 'utf8').split(/\r?\n/).find((l) => l.startsWith(`${name},`));
  const [, v, d] = line!.split(',');
  return { vehicles: Number(v), distance: Number(d) };
}

describe('solveVrptw on hand-made instances', () => {
  it('orders stops as the time windows force (single feasible tour)', () => {
    const p = makeProblem([0, 0], [
      { at: [10, 0], demand: 1, serviceTime: 0, readyTime: 50, dueTime: 60 },
      { at: [20, 0], demand: 1, serviceTime: 0, readyTime: 0, dueTime: 25 },
    ], [{ capacity: 10 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 1000, maxIterations: 200 });
    assertFeasible(p, plan);
    assert.equal(plan.vehicles, 1);
    assert.deepEqual(plan.routes[0]!.visits.map((v) => v.stopId), ['s2', 's1']);
    assert.ok(Math.abs(plan.distance - 40) < 1e-9);
    const [first, second] = plan.routes[0]!.visits;
    assert.equal(first!.arrival, 20);
    assert.equal(second!.arrival, 30);
    assert.equal(second!.serviceStart, 50);
    assert.equal(plan.routes[0]!.end, 60);
  });

  it('uses the fewest vehicles that capacity allows, then the shortest routes', () => {
    // Two stops each side of the depot; capacity 2 forces one vehicle per side (2 x 40).
    const p = makeProblem([0, 0], [
      { at: [10, 0], demand: 1, ...open },
      { at: [-20, 0], demand: 1, ...open },
      { at: [20, 0], demand: 1, ...open },
      { at: [-10, 0], demand: 1, ...open },
    ], [{ capacity: 2 }, { capacity: 2 }, { capacity: 2 }]);
    const plan = solveVrptw(p, { seed: 3, timeLimitMs: 1000, maxIterations: 500 });
    assertFeasible(p, plan);
    assert.equal(plan.vehicles, 2);
    assert.ok(Math.abs(plan.distance - 80) < 1e-9, `distance ${plan.distance}`);
    const sides = plan.routes.map((r) => r.visits.map((v) => v.stopId).sort().join(',')).sort();
    assert.deepEqual(sides, ['s1,s3', 's2,s4']);
  });

  it('matches an exhaustive search on small random instances', () => {
    const rand = lcg(42);
    for (let trial = 0; trial < 12; trial++) {
      const n = 6;
      const stops = Array.from({ length: n }, () => {
        const ready = Math.floor(rand() * 120);
        return {
          at: [Math.round(rand() * 60 - 30), Math.round(rand() * 60 - 30)] as Point,
          demand: 1 + Math.floor(rand() * 4),
          serviceTime: 5,
          readyTime: ready,
          dueTime: ready + 20 + Math.floor(rand() * 100),
        };
      });
      const p = makeProblem([0, 0], stops, Array.from({ length: n }, () => ({ capacity: 8, shiftEnd: 300 })));
      const plan = solveVrptw(p, { seed: trial, timeLimitMs: 2000, maxIterations: 3000 });
      assertFeasible(p, plan);
      const opt = bruteForce(p);
      if (opt.vehicles === Infinity) continue;
      assert.equal(plan.unserved.length, 0, `trial ${trial}`);
      assert.equal(plan.vehicles, opt.vehicles, `trial ${trial}: vehicles`);
      assert.ok(plan.distance <= opt.distance + 1e-6, `trial ${trial}: distance ${plan.distance} vs optimum ${opt.distance}`);
    }
  });

  it('returns an empty plan when there is nothing to deliver', () => {
    const p = makeProblem([0, 0], [], [{ capacity: 1 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 100 });
    assert.deepEqual(plan.routes, []);
    assert.deepEqual(plan.unserved, []);
  });
});

describe('unserved stops', () => {
  it('reports a window no vehicle can reach and plans the rest', () => {
    const p = makeProblem([0, 0], [
      { at: [10, 0], demand: 1, serviceTime: 5, readyTime: 0, dueTime: 100 },
      { at: [50, 0], demand: 1, serviceTime: 5, readyTime: 0, dueTime: 30 },
      { at: [0, 10], demand: 1, serviceTime: 5, readyTime: 0, dueTime: 100 },
    ], [{ capacity: 10 }, { capacity: 10 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 1000, maxIterations: 300 });
    assertFeasible(p, plan);
    assert.equal(plan.unserved.length, 1);
    assert.equal(plan.unserved[0]!.stopId, 's2');
    assert.equal(plan.unserved[0]!.reason, 'TIME_WINDOW_UNREACHABLE');
    assert.match(plan.unserved[0]!.detail, /50.*30/);
    assert.equal(plan.routes.flatMap((r) => r.visits).length, 2);
  });

  it('reports a stop that cannot get back before the shift ends', () => {
    const p = makeProblem([0, 0], [
      { at: [40, 0], demand: 1, serviceTime: 30, readyTime: 0, dueTime: 100 },
      { at: [5, 0], demand: 1, ...open },
    ], [{ capacity: 10, shiftEnd: 100 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 1000, maxIterations: 300 });
    assertFeasible(p, plan);
    assert.deepEqual(plan.unserved.map((u) => [u.stopId, u.reason]), [['s1', 'TIME_WINDOW_UNREACHABLE']]);
  });

  it('reports demand larger than any vehicle', () => {
    const p = makeProblem([0, 0], [
      { at: [10, 0], demand: 11, ...open },
      { at: [0, 10], demand: 3, ...open },
    ], [{ capacity: 10 }, { capacity: 8 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 1000, maxIterations: 300 });
    assertFeasible(p, plan);
    assert.deepEqual(plan.unserved.map((u) => [u.stopId, u.reason]), [['s1', 'DEMAND_EXCEEDS_CAPACITY']]);
    assert.match(plan.unserved[0]!.detail, /11.*10/);
  });

  it('leaves stops unserved with NO_VEHICLE_AVAILABLE when the fleet is too small', () => {
    const p = makeProblem([0, 0], [
      { at: [10, 0], demand: 2, ...open },
      { at: [0, 10], demand: 2, ...open },
      { at: [-10, 0], demand: 2, ...open },
      { at: [0, -10], demand: 2, ...open },
      { at: [7, 7], demand: 2, ...open },
    ], [{ capacity: 4 }, { capacity: 4 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 1000, maxIterations: 500 });
    assertFeasible(p, plan);
    assert.equal(plan.vehicles, 2);
    assert.equal(plan.routes.flatMap((r) => r.visits).length, 4);
    assert.equal(plan.unserved.length, 1);
    assert.equal(plan.unserved[0]!.reason, 'NO_VEHICLE_AVAILABLE');
  });

  it('serves what a mixed fleet allows (capacity and shift differ per vehicle)', () => {
    const p = makeProblem([0, 0], [
      { at: [10, 0], demand: 6, ...open },
      { at: [12, 2], demand: 6, ...open },
      { at: [-30, 0], demand: 1, serviceTime: 0, readyTime: 200, dueTime: 260 },
    ], [{ capacity: 12, shiftEnd: 100 }, { capacity: 2, shiftStart: 150, shiftEnd: 400 }]);
    const plan = solveVrptw(p, { seed: 1, timeLimitMs: 1000, maxIterations: 500 });
    assertFeasible(p, plan);
    assert.equal(plan.unserved.length, 0);
    assert.equal(plan.vehicles, 2);
  });
});

describe('determinism', () => {
  it('gives the identical plan for the same seed and maxIterations', { skip: !existsSync(solomonDir) }, () => {
    const p = loadSolomon('r101');
    const strip = (plan: RoutePlan): unknown => ({ ...plan, elapsedMs: 0 });
    const a = solveVrptw(p, { seed: 7, timeLimitMs: 60_000, maxIterations: 4000 });
    const b = solveVrptw(p, { seed: 7, timeLimitMs: 60_000, maxIterations: 4000 });
    assertFeasible(p, a);
    assert.equal(a.iterations, 4000);
    assert.deepEqual(strip(a), strip(b));
  });

  it('gives the same plan for a seed and maxIterations however slow the machine', { skip: !existsSync(solomonDir) }, () => {
    const p = loadSolomon('rc106');
    const strip = (plan: RoutePlan): unknown => ({ ...plan, elapsedMs: 0 });
    const limit = 60_000;
    const budget = { seed: 7, timeLimitMs: limit, maxIterations: 3000 };
    // Clocks that advance per reading, not with the wall clock: a busy run timed by the real clock
    // could, on a machine slowed by other load, reach the cap and stop short of its iterations.
    let readings = 0;
    const idle = solveVrptw(p, { ...budget, clock: () => readings++ * 1e-6 });
    // The busy clock plays a loaded machine: in its first twentieth of readings it runs to 0.8 of
    // the limit, past every wall-clock share a phase might have, then creeps to at most 0.9, short
    // of the cap. Reading counts match as long as no phase looks at the clock to decide anything.
    const early = Math.max(1, Math.floor(readings / 20));
    let ticks = 0;
    const busyClock = (): number => {
      const i = ticks++;
      return i < early ? (i * limit * 0.8) / early : limit * 0.8 + ((i - early) * limit * 0.1) / readings;
    };
    const busy = solveVrptw(p, { ...budget, clock: busyClock });
    assertFeasible(p, busy);
    assert.equal(busy.iterations, 3000);
    assert.ok(busy.elapsedMs >= limit * 0.8 && busy.elapsedMs < limit * 0.95, `busy run took ${busy.elapsedMs} ms on its clock`);
    assert.deepEqual(strip(busy), strip(idle));
  });
});

describe('objective and anytime', () => {
  /** Two stops 10 from the depot but 100 from each other (a river between them). */
  const river = (): VrptwProblem => {
    const m = [[0, 10, 10], [10, 0, 100], [10, 100, 0]];
    const stop = (id: string): VrptwStop => ({ id, demand: 1, serviceTime: 0, readyTime: 0, dueTime: 1000 });
    return {
      depot: { id: 'depot' },
      stops: [stop('a'), stop('b')],
      vehicles: [{ id: 'v1', capacity: 5, shiftStart: 0, shiftEnd: 1000 }, { id: 'v2', capacity: 5, shiftStart: 0, shiftEnd: 1000 }],
      travelTime: m,
      distance: m,
    };
  };

  it('puts vehicles first by default, and trades a vehicle for distance only when it is priced', () => {
    const p = river();
    const budget = { seed: 3, timeLimitMs: 5000, maxIterations: 500 };
    const hierarchical = solveVrptw(p, budget);
    assertFeasible(p, hierarchical);
    assert.deepEqual([hierarchical.vehicles, hierarchical.distance], [1, 120]);
    // 2 × 50 + 40 = 140 beats 1 × 50 + 120 = 170; at 100 per vehicle 220 loses to 1 × 100 + 120.
    const cheapVans = solveVrptw(p, { ...budget, vehicleCost: 50 });
    assertFeasible(p, cheapVans);
    assert.deepEqual([cheapVans.vehicles, cheapVans.distance], [2, 40]);
    const dearVans = solveVrptw(p, { ...budget, vehicleCost: 100 });
    assert.deepEqual([dearVans.vehicles, dearVans.distance], [1, 120]);
    assert.throws(() => solveVrptw(p, { ...budget, vehicleCost: -1 }), /vehicleCost must be a non-negative number/);
  });

  it('returns the best plan so far as soon as it is asked to stop', { skip: !existsSync(solomonDir) }, () => {
    const p = loadSolomon('r101');
    let polls = 0;
    const started = performance.now();
    const plan = solveVrptw(p, { seed: 7, timeLimitMs: 60_000, shouldStop: () => ++polls > 2000 });
    assert.ok(performance.now() - started < 20_000, `ran ${(performance.now() - started).toFixed(0)} ms of a 60 s budget`);
    assertFeasible(p, plan);
    assert.equal(plan.unserved.length, 0);
    assert.ok(plan.iterations <= 2000, `iterations ${plan.iterations}`);
  });
});

describe('Solomon instances with a short budget', { skip: !existsSync(solomonDir) }, () => {
  for (const [name, maxGap] of [['c101', 3], ['r101', 5]] as const) {
    it(`${name}: feasible, vehicles within best-known + 1, gap under ${maxGap}%`, () => {
      const p = loadSolomon(name);
      const ref = bks(name);
      const plan = solveVrptw(p, { seed: 1, timeLimitMs: 3000 });
      assertFeasible(p, plan);
      assert.equal(plan.unserved.length, 0);
      assert.ok(plan.vehicles <= ref.vehicles + (name === 'c101' ? 0 : 1), `vehicles ${plan.vehicles} vs ${ref.vehicles}`);
      const gap = ((plan.distance - ref.distance) / ref.distance) * 100;
      assert.ok(gap < maxGap, `gap ${gap.toFixed(2)}%`);
    });
  }
});

describe('validateProblem', () => {
  const base = (): VrptwProblem => makeProblem([0, 0], [{ at: [1, 1], demand: 1, ...open }], [{ capacity: 5 }]);

  it('accepts a well-formed problem', () => {
    assert.deepEqual(validateProblem(base()), []);
  });

  it('flags negative capacity', () => {
    const p = base();
    p.vehicles[0]!.capacity = -1;
    assert.match(validateProblem(p).join('\n'), /capacity -1 is negative/);
  });

  it('flags a window that closes before it opens', () => {
    const p = base();
    p.stops[0]!.readyTime = 50;
    p.stops[0]!.dueTime = 10;
    assert.match(validateProblem(p).join('\n'), /readyTime 50 is after dueTime 10/);
  });

  it('flags matrices of the wrong size and bad entries', () => {
    const p = base();
    p.travelTime = [[0, 1]];
    p.distance = [[0, 1], [1, NaN]];
    const errors = validateProblem(p).join('\n');
    assert.match(errors, /travelTime has 1 rows/);
    assert.match(errors, /distance\[1\]\[1\].*NaN/);
  });

  it('flags NaN fields, duplicate ids and a reversed shift', () => {
    const p = makeProblem([0, 0], [{ at: [1, 1], demand: 1, ...open }, { at: [2, 2], demand: 1, ...open }], [{ capacity: 5 }]);
    p.stops[1]!.id = 's1';
    p.stops[0]!.serviceTime = Number.NaN;
    p.vehicles[0]!.shiftStart = 500;
    p.vehicles[0]!.shiftEnd = 100;
    const errors = validateProblem(p).join('\n');
    assert.match(errors, /serviceTime must be a finite number/);
    assert.match(errors, /duplicate id/);
    assert.match(errors, /shiftStart 500 is after shiftEnd 100/);
  });

  it('makes solveVrptw throw instead of planning on bad input', () => {
    const p = base();
    p.vehicles[0]!.capacity = -1;
    assert.throws(() => solveVrptw(p, { seed: 1, timeLimitMs: 100 }), /invalid VRPTW problem/);
  });
});
