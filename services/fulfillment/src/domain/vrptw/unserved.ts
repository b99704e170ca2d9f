// Finds stops that no vehicle can serve even on a route of their own, with the reason and a
// sentence a dispatcher can act on; these are reported instead of making the solve fail.

import type { UnservedStop, VrptwProblem } from './problem.js';

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/** Returns node index (stop index + 1) -> reason for every stop no single vehicle can serve. */
export function findUnservableStops(problem: VrptwProblem): Map<number, UnservedStop> {
  const out = new Map<number, UnservedStop>();
  const { vehicles, stops, travelTime } = problem;
  stops.forEach((s, i) => {
    const node = i + 1;
    if (vehicles.length === 0) {
      out.set(node, { stopId: s.id, reason: 'NO_VEHICLE_AVAILABLE', detail: 'the fleet is empty' });
      return;
    }
    const maxCapacity = Math.max(...vehicles.map((v) => v.capacity));
    if (s.demand > maxCapacity) {
      out.set(node, {
        stopId: s.id,
        reason: 'DEMAND_EXCEEDS_CAPACITY',
        detail: `demand ${fmt(s.demand)} exceeds the largest vehicle capacity ${fmt(maxCapacity)}`,
      });
      return;
    }
    const there = travelTime[0]?.[node] ?? Infinity;
    const back = travelTime[node]?.[0] ?? Infinity;
    // Among vehicles big enough, keep the most favourable failure to explain the rejection.
    let bestArrival = Infinity;
    let bestReturn = Infinity;
    let shiftEndForReturn = -Infinity;
    for (const v of vehicles) {
      if (v.capacity < s.demand) continue;
      const arrival = v.shiftStart + there;
      const start = Math.max(arrival, s.readyTime);
      const ret = start + s.serviceTime + back;
      if (arrival <= s.dueTime && ret <= v.shiftEnd) return;
      bestArrival = Math.min(bestArrival, arrival);
      if (arrival <= s.dueTime && ret - v.shiftEnd < bestReturn - shiftEndForReturn) {
        bestReturn = ret;
        shiftEndForReturn = v.shiftEnd;
      }
    }
    const detail = bestArrival > s.dueTime
      ? `earliest arrival ${fmt(bestArrival)} is after the window closes at ${fmt(s.dueTime)}`
      : `after service the vehicle is back at the depot at ${fmt(bestReturn)}, after its shift ends at ${fmt(shiftEndForReturn)}`;
    out.set(node, { stopId: s.id, reason: 'TIME_WINDOW_UNREACHABLE', detail });
  });
  return out;
}
