// The solver's building blocks on their own (the whole solver is tested in vrptw.test.ts): the
// seeded random source, the check that reports stops no vehicle can serve, the flat model the
// search reads, and the iteration-measured search phase.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Phase } from '../src/domain/vrptw/budget.js';
import { buildModel } from '../src/domain/vrptw/model.js';
import type { VrptwProblem } from '../src/domain/vrptw/problem.js';
import { Random } from '../src/domain/vrptw/random.js';
import { findUnservableStops } from '../src/domain/vrptw/unserved.js';

/** Depot and three stops on a line: 0 — 1 (10) — 2 (20) — 3 (30), travel time = distance. */
function lineProblem(vehicles: VrptwProblem['vehicles']): VrptwProblem {
  const at = [0, 10, 20, 30];
  const matrix = at.map((a) => at.map((b) => Math.abs(a - b)));
  return {
    depot: { id: 'depot' },
    stops: [
      { id: 'a', demand: 2, serviceTime: 1, readyTime: 0, dueTime: 100 },
      { id: 'b', demand: 3, serviceTime: 1, readyTime: 0, dueTime: 100 },
      { id: 'c', demand: 1, serviceTime: 1, readyTime: 0, dueTime: 100 },
    ],
    vehicles,
    travelTime: matrix,
    distance: matrix,
  };
}

describe('vrptw parts', () => {
  it('random - a seed fixes the sequence; other seeds give others; values stay in range', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 20 }, () => r.nextUint32());
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
    // Seeds beyond 32 bits are folded in, not truncated to the same stream.
    assert.notDeepEqual(draw(2 ** 32 + 5), draw(5));
    const r = new Random(7);
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
      const k = r.int(6);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
    }
  });

  it('random - shuffle permutes in place, reproducibly by seed', () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const b = [...a];
    new Random(9).shuffle(a);
    new Random(9).shuffle(b);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, [...a].sort((x, y) => x - y));
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 30 }, (_, i) => i));
  });

  it('unserved - every stop is servable on a fleet that reaches all of them in time', () => {
    assert.equal(findUnservableStops(lineProblem([{ id: 'v', capacity: 10, shiftStart: 0, shiftEnd: 200 }])).size, 0);
  });

  it('unserved - an empty fleet, too much demand and an unreachable window are each named', () => {
    const empty = findUnservableStops(lineProblem([]));
    assert.deepEqual([...empty.values()].map((u) => u.reason), ['NO_VEHICLE_AVAILABLE', 'NO_VEHICLE_AVAILABLE', 'NO_VEHICLE_AVAILABLE']);

    const small = findUnservableStops(lineProblem([{ id: 'v', capacity: 2, shiftStart: 0, shiftEnd: 200 }]));
    assert.deepEqual([...small.keys()], [2]);
    assert.deepEqual(small.get(2), { stopId: 'b', reason: 'DEMAND_EXCEEDS_CAPACITY', detail: 'demand 3 exceeds the largest vehicle capacity 2' });

    const late = lineProblem([{ id: 'v', capacity: 10, shiftStart: 0, shiftEnd: 200 }]);
    late.stops[2] = { ...late.stops[2]!, dueTime: 25 };
    assert.deepEqual(findUnservableStops(late).get(3), { stopId: 'c', reason: 'TIME_WINDOW_UNREACHABLE', detail: 'earliest arrival 30 is after the window closes at 25' });

    const shortShift = findUnservableStops(lineProblem([{ id: 'v', capacity: 10, shiftStart: 0, shiftEnd: 50 }]));
    assert.deepEqual(shortShift.get(3), {
      stopId: 'c',
      reason: 'TIME_WINDOW_UNREACHABLE',
      detail: 'after service the vehicle is back at the depot at 61, after its shift ends at 50',
    });
    assert.equal(shortShift.has(1), false);
  });

  it('model - matrices are flat, the depot never closes, inactive stops are left out of the customers', () => {
    const problem = lineProblem([{ id: 'v', capacity: 10, shiftStart: 0, shiftEnd: 200 }]);
    const m = buildModel(problem, new Set([2]));
    assert.equal(m.n, 3);
    assert.equal(m.size, 4);
    assert.equal(m.travel[1 * 4 + 3], 20);
    assert.equal(m.due[0], Infinity);
    assert.deepEqual([...m.customers], [1, 3]);
    assert.deepEqual([...m.active], [0, 1, 0, 1]);
    assert.deepEqual([...m.demand], [0, 2, 3, 1]);
    // Each customer's neighbours are the other active customers, nearest first.
    assert.equal(m.neighbourCount, 1);
    assert.equal(m.neighbours[1 * m.neighbourCount], 3);
  });

  it('model - new routes take the biggest vehicle first, then the longest shift; a mixed fleet is not homogeneous', () => {
    const fleet = [
      { id: 'small', capacity: 5, shiftStart: 0, shiftEnd: 100 },
      { id: 'big-short', capacity: 9, shiftStart: 0, shiftEnd: 50 },
      { id: 'big-long', capacity: 9, shiftStart: 0, shiftEnd: 100 },
    ];
    const m = buildModel(lineProblem(fleet), new Set());
    assert.deepEqual([...m.vehicleOrder], [2, 1, 0]);
    assert.equal(m.homogeneous, false);
    const same = buildModel(lineProblem([fleet[0]!, { ...fleet[0]!, id: 'twin' }]), new Set());
    assert.equal(same.homogeneous, true);
  });

  it('budget - a phase measured in iterations runs from 0 to 1 and is done at its last iteration', () => {
    const counter = { iterations: 100 };
    const far = performance.now() + 60_000;
    const phase = new Phase(counter, performance.now(), far, 100, 200, true);
    assert.equal(phase.fraction(), 0);
    assert.equal(phase.done(), false);
    counter.iterations = 150;
    assert.equal(phase.fraction(), 0.5);
    counter.iterations = 200;
    assert.equal(phase.done(), true);
    counter.iterations = 260;
    assert.equal(phase.fraction(), 1);
  });

  it('budget - the clock stays a hard cap even when measured in iterations', () => {
    const phase = new Phase({ iterations: 0 }, performance.now() - 10, performance.now() - 1, 0, 1_000_000, true);
    assert.equal(phase.done(), true);
  });
});
