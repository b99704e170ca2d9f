// Random VRPTW problems for the solver's part tests: stops scattered over a 100 x 100 square,
// travel time equal to distance, each window opening at a random time and of random width.
import { Random } from '../src/domain/vrptw/random.js';
import type { VrptwProblem } from '../src/domain/vrptw/index.js';

export interface RandomProblemSpec {
  stops: number;
  /** Windows open somewhere in [0, opensWithin). */
  opensWithin: number;
  /** A window lasts minWidth plus up to extraWidth. */
  minWidth: number;
  extraWidth: number;
  serviceTime: (rng: Random) => number;
  vehicles: VrptwProblem['vehicles'];
}

export function randomProblem(seed: number, spec: RandomProblemSpec): VrptwProblem {
  const rng = new Random(seed);
  const pts = Array.from({ length: spec.stops + 1 }, () => [rng.next() * 100, rng.next() * 100] as const);
  const matrix = pts.map((a) => pts.map((b) => Math.hypot(a[0] - b[0], a[1] - b[1])));
  return {
    depot: { id: 'depot' },
    stops: pts.slice(1).map((_, i) => {
      const ready = rng.next() * spec.opensWithin;
      const demand = 1 + rng.int(9);
      const serviceTime = spec.serviceTime(rng);
      return { id: `s${i + 1}`, demand, serviceTime, readyTime: ready, dueTime: ready + spec.minWidth + rng.next() * spec.extraWidth };
    }),
    vehicles: spec.vehicles,
    travelTime: matrix,
    distance: matrix,
  };
}
