// Tests of Nagata & Bräysy's squeeze on its own: a stop no route can take directly goes in once a
// move between routes absorbs the overload, and the plan is left as it was when nothing can. Also
// the route cap of the insertion the distance phase rebuilds candidates with.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constructInitial, insertCustomers } from '../src/domain/vrptw/construction.js';
import { buildModel } from '../src/domain/vrptw/model.js';
import { Random } from '../src/domain/vrptw/random.js';
import { Solution } from '../src/domain/vrptw/route-state.js';
import { TimeWarpSqueeze } from '../src/domain/vrptw/time-warp-squeeze.js';
import type { VrptwProblem } from '../src/domain/vrptw/index.js';
import { randomProblem } from './random-vrptw.js';

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

  it('after a failed run every route, cache and index is as before; after a success the plan is feasible and indexed', () => {
    // A failed run must put back every route it moved stops between, with their caches and the
    // stops' index: many runs on a tight random plan, some failing and some not, show a miss.
    const sol = tightPlan(11);
    const m = sol.model;
    const squeeze = new TimeWarpSqueeze(m, sol);
    const rng = new Random(5);
    let failed = 0;
    let succeeded = 0;
    for (let trial = 0; trial < 40; trial++) {
      // Empty a route, as route elimination does, and squeeze its stops into the others.
      const used = sol.routes.flatMap((route, r) => (route.len > 0 ? [r] : []));
      const route = sol.routes[used[rng.int(used.length)]!]!;
      const stops = Array.from(route.nodes.subarray(1, route.len + 1));
      for (const u of stops) sol.remove(u);
      for (const u of stops) {
        const before = snapshot(sol);
        if (squeeze.run(sol, u)) {
          succeeded++;
          assertIndexed(sol, u);
        } else {
          failed++;
          assert.deepEqual(snapshot(sol), before);
        }
      }
      const left = stops.filter((u) => sol.routeOf[u] === -1);
      assert.equal(insertCustomers(sol, left, left.length, rng, 0, true), 0, 'spare vans take what the squeeze could not place');
      assertIndexed(sol);
    }
    assert.ok(failed > 20 && succeeded > 20, `both outcomes exercised (${failed} failed, ${succeeded} succeeded)`);
  });
});

describe('insertCustomers with a route cap', () => {
  it('gives up as soon as a stop would need a route more than the cap, and places stops freely without one', () => {
    const capped = plan([5, 4, 6, 6]);
    // Both vans stay in use (5 and 6 after stop 2 leaves): stop 4 (6) fits neither, so with the
    // cap at 2 the candidate is given up on; the distance phase would reject it anyway.
    capped.remove(2);
    assert.equal(insertCustomers(capped, [4, 2], 2, new Random(1), 0, true, Infinity, 2), -1);
    assert.equal(capped.routeOf[4], -1);
    const free = plan([5, 4, 6, 6]);
    free.remove(2);
    assert.equal(insertCustomers(free, [4, 2], 2, new Random(1), 0, false), 1, 'no new routes: stop 4 stays out, stop 2 goes in');
    assert.equal(free.routeOf[2], 0);
  });
});

/** 60 stops with narrow windows and tight vans, built greedily: few routes have room to spare. */
function tightPlan(seed: number): Solution {
  const p = randomProblem(seed, {
    stops: 60,
    opensWithin: 400,
    minWidth: 20,
    extraWidth: 40,
    serviceTime: () => 5,
    vehicles: Array.from({ length: 30 }, (_, k) => ({ id: `v${k}`, capacity: 30, shiftStart: 0, shiftEnd: 600 })),
  });
  const sol = new Solution(buildModel(p, new Set()));
  constructInitial(sol, sol.model, new Random(seed));
  assert.equal(sol.unassignedCount(), 0);
  return sol;
}

function snapshot(sol: Solution): unknown {
  return {
    routes: sol.routes.map((r) => ({
      nodes: Array.from(r.nodes.subarray(0, r.len + 2)),
      est: Array.from(r.est.subarray(0, r.len + 2)),
      lst: Array.from(r.lst.subarray(0, r.len + 2)),
      load: r.load,
      distance: r.distance,
    })),
    routeOf: Array.from(sol.routeOf),
    posOf: sol.model.customers.map((c) => (sol.routeOf[c] === -1 ? 0 : sol.posOf[c]!)),
  };
}

/** Every route feasible, each stop once and where the index says; all served, or all but those still to squeeze. */
function assertIndexed(sol: Solution, upTo?: number): void {
  const seen = new Set<number>();
  sol.routes.forEach((route, r) => {
    assert.ok(route.len === 0 || route.isFeasible(), `route ${r} feasible`);
    for (let k = 1; k <= route.len; k++) {
      const c = route.nodes[k]!;
      assert.ok(!seen.has(c), `stop ${c} once`);
      seen.add(c);
      assert.equal(sol.routeOf[c], r);
      assert.equal(sol.posOf[c], k);
    }
  });
  if (upTo === undefined) assert.equal(seen.size, sol.model.customers.length);
  else assert.ok(seen.has(upTo));
}
