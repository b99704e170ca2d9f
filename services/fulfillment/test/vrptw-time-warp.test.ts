// Tests of Nagata & Bräysy's squeeze on its own: a stop no route can take directly goes in once a
// move between routes absorbs the overload, and the plan is left as it was when nothing can.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/domain/vrptw/model.js';
import { Solution } from '../src/domain/vrptw/route-state.js';
import { TimeWarpSqueeze } from '../src/domain/vrptw/time-warp-squeeze.js';
import type { VrptwProblem } from '../src/domain/vrptw/index.js';

/** Stops 1 and 2 on route 0, stop 3 on route 1, stop 4 left out; vans of capacity 10. */
function plan(demands: [number, number, number, number], windows: [number, number][] = []): Solution {
  const pts = [[0, 0], [10, 0], [10, 2], [-10, 0], [11, 1]];
  const m = pts.map((a) => pts.map((b) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!)));
  const p: VrptwProblem = {
    depot: { id: 'depot' },
    stops: demands.map((demand, i) => ({ id: `s${i + 1}`, demand, serviceTime: 0, readyTime: windows[i]?.[0] ?? 0, dueTime: windows[i]?.[1] ?? 1000 })),
    vehicles: [0, 1].map((k) => ({ id: `v${k}`, capacity: 10, shiftStart: 0, shiftEnd: 1000 })),
    travelTime: m,
    distance: m,
  };
  const sol = new Solution(buildModel(p, new Set()));
  sol.insert(0, 1, 0);
  sol.insert(0, 2, 1);
  sol.insert(1, 3, 0);
  return sol;
}

describe('TimeWarpSqueeze', () => {
  it('inserts a stop no route can take by moving another one out of the overloaded route', () => {
    // Route 0 carries 3 + 4, route 1 carries 6: stop 4 (5) fits neither, but 0 can give stop 1 to 1.
    const sol = plan([3, 4, 6, 5]);
    for (const route of sol.routes) for (let k = 0; k <= route.len; k++) assert.ok(!route.canInsert(sol.model, 4, k));
    assert.equal(new TimeWarpSqueeze(sol.model, sol).run(sol, 4), true);
    assert.equal(sol.unassignedCount(), 0);
    for (const route of sol.routes) assert.ok(route.isFeasible());
    assert.deepEqual(sol.routes.map((r) => r.load).sort(), [9, 9]);
  });

  it('repairs time warp as well as overload', () => {
    // Stop 3 must be first on its route, stop 4 (due 11.5) and stop 2 (due 12.5) can share a route
    // only as 4 then 2, without stop 1 in between or before.
    const sol = plan([1, 1, 1, 1], [[0, 1000], [0, 12.5], [0, 10], [0, 11.5]]);
    for (const route of sol.routes) for (let k = 0; k <= route.len; k++) assert.ok(!route.canInsert(sol.model, 4, k));
    assert.equal(new TimeWarpSqueeze(sol.model, sol).run(sol, 4), true);
    for (const route of sol.routes) assert.ok(route.isFeasible());
    assert.equal(sol.routeOf[4], sol.routeOf[2]);
    assert.notEqual(sol.routeOf[1], sol.routeOf[2]);
  });

  it('leaves the plan unchanged when no move can make room', () => {
    // 3 + 4 + 8 + 5 = 20 fits two vans of 10 only as 10 + 10, which no split of these allows.
    const sol = plan([3, 4, 8, 5]);
    const before = sol.routes.map((r) => Array.from(r.nodes.subarray(1, r.len + 1)));
    assert.equal(new TimeWarpSqueeze(sol.model, sol).run(sol, 4), false);
    assert.deepEqual(sol.routes.map((r) => Array.from(r.nodes.subarray(1, r.len + 1))), before);
    assert.equal(sol.routeOf[4], -1);
    for (const route of sol.routes) assert.ok(route.isFeasible());
  });
});
