// The squeeze prices moves by joining time-warp segments instead of walking routes: the joined
// price must equal the walked one for every cut, insertion and tail exchange, or the squeeze would
// chase moves that do not repair anything.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from '../src/domain/vrptw/model.js';
import { Solution } from '../src/domain/vrptw/route-state.js';
import { RouteSegments, timeWarpPenalty } from '../src/domain/vrptw/time-warp-squeeze.js';
import type { Route } from '../src/domain/vrptw/route-state.js';
import { randomProblem } from './random-vrptw.js';

/** 40 stops with tight, random windows on 4 vans of different shifts, dealt out blindly so routes carry time warp. */
function warpedPlan(seed: number): Solution {
  const p = randomProblem(seed, {
    stops: 40,
    opensWithin: 300,
    minWidth: 5,
    extraWidth: 60,
    serviceTime: (rng) => rng.int(10),
    vehicles: [0, 1, 2, 3].map((k) => ({ id: `v${k}`, capacity: 40, shiftStart: 10 * k, shiftEnd: 350 - 20 * k })),
  });
  const sol = new Solution(buildModel(p, new Set()));
  for (let c = 1; c <= 40; c++) sol.insert(c % 4, c, sol.routes[c % 4]!.len);
  return sol;
}

/** Time warp plus overload of `route` if it visited seq, walked stop by stop. */
function walked(m: Solution['model'], route: Route, seq: number[]): number {
  return timeWarpPenalty(m, route, Int32Array.from(seq), seq.length);
}

function customers(route: Route): number[] {
  return Array.from(route.nodes.subarray(1, route.len + 1));
}

describe('RouteSegments', () => {
  for (const seed of [1, 2, 3]) {
    it(`prices insertions and tail exchanges as walking the route does (seed ${seed})`, () => {
      const sol = warpedPlan(seed);
      const m = sol.model;
      const seg = new RouteSegments(m, sol.routes.length);
      sol.routes.forEach((route, r) => seg.ensure(route, r));
      let warped = 0;
      for (let ra = 0; ra < 4; ra++) {
        const a = sol.routes[ra]!;
        const seqA = customers(a);
        if (walked(m, a, seqA) > Math.max(0, a.load - a.capacity) + 1) warped++;
        for (let k = 0; k <= a.len; k++) {
          // Stop 1 (or 2) inserted after position k of route a.
          const v = ra === 1 ? 2 : 1;
          seg.fromPrefix(a, ra, k);
          seg.addNode(v);
          seg.addSuffix(a, ra, k + 1);
          const want = walked(m, a, [...seqA.slice(0, k), v, ...seqA.slice(k)]);
          const over = Math.max(0, a.load + m.demand[v]! - a.capacity);
          assert.ok(Math.abs(seg.closeAt(a) - (want - over)) < 1e-6, `insert after ${k} of route ${ra}`);
        }
        for (let rb = 0; rb < 4; rb++) {
          if (rb === ra) continue;
          const b = sol.routes[rb]!;
          const seqB = customers(b);
          for (let i = 0; i <= a.len; i++) {
            for (let j = 0; j <= b.len; j++) {
              // a keeps 1..i and takes b from j + 1 on, back to a's own depot and shift end.
              seg.fromPrefix(a, ra, i);
              seg.addSuffix(b, rb, j + 1);
              const seq = [...seqA.slice(0, i), ...seqB.slice(j)];
              const load = seq.reduce((s, c) => s + m.demand[c]!, 0);
              const want = walked(m, a, seq) - Math.max(0, load - a.capacity);
              assert.ok(Math.abs(seg.closeAt(a) - want) < 1e-6, `2-opt* ${ra}:${i} with ${rb}:${j}`);
            }
          }
        }
      }
      assert.ok(warped >= 2, 'the blind plan should carry time warp on most routes');
    });
  }
});
