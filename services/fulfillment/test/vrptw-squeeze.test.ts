// Tests of the absence-driven fleet squeeze on its own: from a plan with one route per stop it
// must reach the capacity lower bound, keep every route feasible and serve every stop, and it
// must hand back the start unchanged when there is nothing to remove.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Phase } from '../src/domain/vrptw/budget.js';
import { squeezeFleet } from '../src/domain/vrptw/fleet-squeeze.js';
import { buildModel } from '../src/domain/vrptw/model.js';
import { Random } from '../src/domain/vrptw/random.js';
import { vehicleLowerBound } from '../src/domain/vrptw/route-minimization.js';
import { Solution } from '../src/domain/vrptw/route-state.js';
import type { VrptwProblem } from '../src/domain/vrptw/index.js';

/** 12 stops on a circle of radius 20, demand 2 each, vans of capacity 8: at least 3 vans. */
function circle(): VrptwProblem {
  const pts = [[0, 0], ...Array.from({ length: 12 }, (_, i) => [20 * Math.cos((i * Math.PI) / 6), 20 * Math.sin((i * Math.PI) / 6)])];
  const m = pts.map((a) => pts.map((b) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!)));
  return {
    depot: { id: 'depot' },
    stops: Array.from({ length: 12 }, (_, i) => ({ id: `s${i + 1}`, demand: 2, serviceTime: 1, readyTime: 0, dueTime: 300 })),
    vehicles: Array.from({ length: 12 }, (_, k) => ({ id: `v${k + 1}`, capacity: 8, shiftStart: 0, shiftEnd: 400 })),
    travelTime: m,
    distance: m,
  };
}

function onePerStop(p: VrptwProblem): Solution {
  const sol = new Solution(buildModel(p, new Set()));
  for (let c = 1; c <= p.stops.length; c++) sol.insert(c - 1, c, 0);
  return sol;
}

describe('squeezeFleet', () => {
  it('squeezes one route per stop down to the capacity lower bound, all stops served', () => {
    const start = onePerStop(circle());
    const counter = { iterations: 0 };
    const reports: number[] = [];
    const out = squeezeFleet(start, vehicleLowerBound(start.model), new Random(5), new Phase(counter, performance.now(), Infinity, 0, 20_000, true), counter, (s) => reports.push(s.usedVehicles()));
    assert.equal(vehicleLowerBound(start.model), 3);
    assert.equal(out.usedVehicles(), 3);
    assert.equal(out.unassignedCount(), 0);
    for (const route of out.routes) assert.ok(route.len === 0 || route.isFeasible());
    assert.ok(counter.iterations < 20_000, 'stops once the bound is reached');
    assert.deepEqual(reports, [...reports].sort((a, b) => b - a), 'reports only ever fewer vehicles');
    assert.equal(start.usedVehicles(), 12, 'the start is not modified');
  });

  it('returns the start when it is already at the bound', () => {
    const start = onePerStop(circle());
    const counter = { iterations: 0 };
    const out = squeezeFleet(start, 12, new Random(5), new Phase(counter, performance.now(), Infinity, 0, 1000, true), counter, () => {});
    assert.equal(out.usedVehicles(), 12);
    assert.equal(counter.iterations, 0);
  });
});
