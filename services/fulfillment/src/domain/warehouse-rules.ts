// Checks on a warehouse's set-up that a schema cannot express: shifts in order, and no vehicle or
// driver booked on two overlapping shifts.
import { minutesOf } from './local-time.js';

export interface VehicleShift {
  id: string;
  capacity: number;
  shiftStart: string;
  shiftEnd: string;
  driverId: string;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export function shiftProblems(shift: { start: string; end: string }, field: string): FieldProblem[] {
  return minutesOf(shift.start) < minutesOf(shift.end) ? [] : [{ field, problem: `shift must end after it starts (${shift.start}–${shift.end})` }];
}

/** Vehicles (already schema-valid) with shifts resolved; reports every clash by field path. */
export function vehicleProblems(vehicles: VehicleShift[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  vehicles.forEach((v, i) => problems.push(...shiftProblems({ start: v.shiftStart, end: v.shiftEnd }, `vehicles.${i}.shiftEnd`)));
  const overlaps = (a: VehicleShift, b: VehicleShift) =>
    minutesOf(a.shiftStart) < minutesOf(b.shiftEnd) && minutesOf(b.shiftStart) < minutesOf(a.shiftEnd);
  for (let i = 0; i < vehicles.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = vehicles[i]!;
      const b = vehicles[j]!;
      if (!overlaps(a, b)) continue;
      if (a.id === b.id) problems.push({ field: `vehicles.${i}.shiftStart`, problem: `vehicle ${a.id} already has an overlapping shift (vehicles.${j})` });
      else if (a.driverId && a.driverId === b.driverId)
        problems.push({ field: `vehicles.${i}.driverId`, problem: `driver ${a.driverId} already drives an overlapping shift (vehicles.${j})` });
    }
  }
  return problems;
}
