// Public types of the VRPTW solver (pickup-point delivery rounds) and the input validation
// that runs before any solving, so that bad data is reported instead of producing odd plans.

export interface VrptwStop {
  id: string;
  demand: number;
  serviceTime: number;
  readyTime: number;
  dueTime: number;
}

export interface VrptwVehicle {
  id: string;
  capacity: number;
  shiftStart: number;
  shiftEnd: number;
}

export interface VrptwProblem {
  /** Index 0 of the matrices. */
  depot: { id: string };
  /** Stop i is index i + 1 of the matrices. */
  stops: VrptwStop[];
  /** Available fleet; it may be larger than needed. */
  vehicles: VrptwVehicle[];
  /** (n+1)x(n+1), in the same time unit as the windows. */
  travelTime: number[][];
  /** (n+1)x(n+1). */
  distance: number[][];
}

export interface SolveProgress {
  elapsedMs: number;
  vehicles: number;
  distance: number;
  phase: string;
}

export interface SolveOptions {
  seed: number;
  /** Wall-clock cap. Alone it decides when the search ends, so runs on a busy machine differ. */
  timeLimitMs: number;
  /** Counts the budget in iterations instead: same seed and count give the same plan; the clock stays a cap. */
  maxIterations?: number;
  onProgress?: (p: SolveProgress) => void;
  /**
   * Polled during the search; once it returns true the solver stops and returns the best plan
   * found so far (anytime), instead of spending the rest of the budget.
   */
  shouldStop?: () => boolean;
  /**
   * What one more vehicle is worth, in distance units. Unset: vehicles first, then distance
   * (the hierarchical objective). Set, for operators who pay per kilometre: plans are compared
   * by vehicleCost × vehicles + distance, so a vehicle is kept when it saves more than that.
   */
  vehicleCost?: number;
  /**
   * Milliseconds on a monotonic clock; performance.now by default. Lets a test play a machine
   * under load (a clock that runs fast) to show that an iteration budget alone decides the plan.
   */
  clock?: () => number;
}

export interface PlannedVisit {
  stopId: string;
  arrival: number;
  serviceStart: number;
  departure: number;
  /** Cumulative demand served on the route up to and including this stop. */
  load: number;
}

export interface PlannedRoute {
  vehicleId: string;
  visits: PlannedVisit[];
  /** Departure from the depot. */
  start: number;
  /** Arrival back at the depot. */
  end: number;
  distance: number;
  load: number;
}

export type UnservedReason = 'DEMAND_EXCEEDS_CAPACITY' | 'TIME_WINDOW_UNREACHABLE' | 'NO_VEHICLE_AVAILABLE';

export interface UnservedStop {
  stopId: string;
  reason: UnservedReason;
  detail: string;
}

export interface RoutePlan {
  routes: PlannedRoute[];
  unserved: UnservedStop[];
  vehicles: number;
  distance: number;
  iterations: number;
  elapsedMs: number;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function checkMatrix(name: string, matrix: unknown, size: number, errors: string[]): void {
  if (!Array.isArray(matrix)) {
    errors.push(`${name} must be an array of ${size} rows`);
    return;
  }
  if (matrix.length !== size) {
    errors.push(`${name} has ${matrix.length} rows but depot + stops need ${size}`);
  }
  let reported = 0;
  for (let i = 0; i < matrix.length && reported < 5; i++) {
    const row: unknown = matrix[i];
    if (!Array.isArray(row) || row.length !== size) {
      errors.push(`${name} row ${i} must have ${size} entries`);
      reported++;
      continue;
    }
    for (let j = 0; j < size; j++) {
      const v: unknown = row[j];
      if (!isFiniteNumber(v) || v < 0) {
        errors.push(`${name}[${i}][${j}] must be a finite non-negative number, got ${String(v)}`);
        reported++;
        break;
      }
    }
  }
}

/** Returns human-readable problems with the input; an empty array means it can be solved. */
export function validateProblem(problem: VrptwProblem): string[] {
  const errors: string[] = [];
  if (problem === null || typeof problem !== 'object') return ['problem must be an object'];
  if (!problem.depot || typeof problem.depot.id !== 'string') errors.push('depot.id must be a string');
  if (!Array.isArray(problem.stops)) errors.push('stops must be an array');
  if (!Array.isArray(problem.vehicles)) errors.push('vehicles must be an array');
  if (errors.length > 0) return errors;

  const ids = new Set<string>();
  problem.stops.forEach((s, i) => {
    const label = `stop ${i} (${s?.id ?? '?'})`;
    if (typeof s?.id !== 'string') errors.push(`stop ${i} has no string id`);
    else if (ids.has(s.id)) errors.push(`${label}: duplicate id`);
    else ids.add(s.id);
    for (const key of ['demand', 'serviceTime', 'readyTime', 'dueTime'] as const) {
      if (!isFiniteNumber(s?.[key])) errors.push(`${label}: ${key} must be a finite number, got ${String(s?.[key])}`);
    }
    if (isFiniteNumber(s?.demand) && s.demand < 0) errors.push(`${label}: demand ${s.demand} is negative`);
    if (isFiniteNumber(s?.serviceTime) && s.serviceTime < 0) errors.push(`${label}: serviceTime ${s.serviceTime} is negative`);
    if (isFiniteNumber(s?.readyTime) && isFiniteNumber(s?.dueTime) && s.readyTime > s.dueTime) {
      errors.push(`${label}: readyTime ${s.readyTime} is after dueTime ${s.dueTime}`);
    }
  });

  const vehicleIds = new Set<string>();
  problem.vehicles.forEach((v, i) => {
    const label = `vehicle ${i} (${v?.id ?? '?'})`;
    if (typeof v?.id !== 'string') errors.push(`vehicle ${i} has no string id`);
    else if (vehicleIds.has(v.id)) errors.push(`${label}: duplicate id`);
    else vehicleIds.add(v.id);
    for (const key of ['capacity', 'shiftStart', 'shiftEnd'] as const) {
      if (!isFiniteNumber(v?.[key])) errors.push(`${label}: ${key} must be a finite number, got ${String(v?.[key])}`);
    }
    if (isFiniteNumber(v?.capacity) && v.capacity < 0) errors.push(`${label}: capacity ${v.capacity} is negative`);
    if (isFiniteNumber(v?.shiftStart) && isFiniteNumber(v?.shiftEnd) && v.shiftStart > v.shiftEnd) {
      errors.push(`${label}: shiftStart ${v.shiftStart} is after shiftEnd ${v.shiftEnd}`);
    }
  });

  const size = problem.stops.length + 1;
  checkMatrix('travelTime', problem.travelTime, size, errors);
  checkMatrix('distance', problem.distance, size, errors);
  return errors;
}
