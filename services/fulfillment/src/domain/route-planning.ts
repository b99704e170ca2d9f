// Turns a closed wave into a VRPTW problem (depot = warehouse and its shift, stops = pickup points
// with their bag count and receiving hours, vehicles with capacity and shift) and the solver's
// plan back into routes with UTC times and drivers. Solver time is seconds after local midnight
// of the delivery day.
import { zonedToUtc } from '@lc/contracts';
import { minutesOf } from './local-time.js';
import type { TravelMatrix } from './travel-times.js';
import type { RoutePlan, VrptwProblem } from './vrptw/index.js';

export interface DepotInput {
  id: string;
  lat: number;
  lng: number;
  timeZone: string;
  shiftStart: string;
  shiftEnd: string;
}

export interface VehicleInput {
  id: string;
  capacity: number;
  shiftStart: string;
  shiftEnd: string;
  driverId: string;
}

export interface StopInput {
  pickupPointId: string;
  lat: number;
  lng: number;
  opensAt: string;
  closesAt: string;
  serviceMinutes: number;
  bags: number;
}

/** A solver vehicle is one vehicle on one shift (a van may drive a morning and an evening run). */
export const solverVehicleId = (v: VehicleInput) => `${v.id}@${v.shiftStart}`;

export function buildProblem(depot: DepotInput, vehicles: VehicleInput[], stops: StopInput[], matrix: TravelMatrix): VrptwProblem {
  return {
    depot: { id: depot.id },
    stops: stops.map((s) => ({
      id: s.pickupPointId,
      demand: s.bags,
      serviceTime: s.serviceMinutes * 60,
      readyTime: minutesOf(s.opensAt) * 60,
      dueTime: minutesOf(s.closesAt) * 60,
    })),
    vehicles: vehicles.map((v) => ({
      id: solverVehicleId(v),
      capacity: v.capacity,
      // A vehicle's shift never reaches outside the depot's opening.
      shiftStart: Math.max(minutesOf(v.shiftStart), minutesOf(depot.shiftStart)) * 60,
      shiftEnd: Math.min(minutesOf(v.shiftEnd), minutesOf(depot.shiftEnd)) * 60,
    })),
    travelTime: matrix.durations,
    distance: matrix.distances,
  };
}

export interface PlannedStop {
  pickupPointId: string;
  sequence: number;
  arrivalAtMs: number;
  windowStartAtMs: number;
  windowEndAtMs: number;
  serviceSeconds: number;
  bags: number;
}

export interface PlannedRouteRow {
  vehicleId: string;
  driverId: string;
  startAtMs: number;
  endAtMs: number;
  distanceM: number;
  load: number;
  stops: PlannedStop[];
}

/**
 * Routes in UTC with a driver each: the vehicle's own driver, else the next of `drivers`
 * round-robin (requested ones first, then the warehouse's).
 */
export function toRoutes(plan: RoutePlan, vehicles: VehicleInput[], stops: StopInput[], deliveryDate: string, zone: string, drivers: string[]): PlannedRouteRow[] {
  const at = (seconds: number) => zonedToUtc(deliveryDate, 0, zone) + Math.round(seconds * 1000);
  const vehicleById = new Map(vehicles.map((v) => [solverVehicleId(v), v]));
  const stopById = new Map(stops.map((s) => [s.pickupPointId, s]));
  let next = 0;
  return plan.routes.map((r) => {
    const vehicle = vehicleById.get(r.vehicleId)!;
    const driverId = vehicle.driverId || (drivers.length ? drivers[next++ % drivers.length]! : '');
    return {
      vehicleId: vehicle.id,
      driverId,
      startAtMs: at(r.start),
      endAtMs: at(r.end),
      distanceM: r.distance,
      load: r.load,
      stops: r.visits.map((v, i) => {
        const s = stopById.get(v.stopId)!;
        return {
          pickupPointId: s.pickupPointId,
          sequence: i + 1,
          arrivalAtMs: at(v.arrival),
          windowStartAtMs: at(minutesOf(s.opensAt) * 60),
          windowEndAtMs: at(minutesOf(s.closesAt) * 60),
          serviceSeconds: s.serviceMinutes * 60,
          bags: s.bags,
        };
      }),
    };
  });
}

/**
 * ETAs of the remaining stops from where the driver is now: drive leg by leg, wait for a stop's
 * receiving hours to open, unload, go on. `legs[0]` is from the position to the first stop.
 */
export function etasFrom(nowMs: number, legs: number[], remaining: { windowStartAtMs: number; serviceSeconds: number }[]): number[] {
  let clock = nowMs;
  return remaining.map((stop, i) => {
    const arrival = clock + (legs[i] ?? 0) * 1000;
    clock = Math.max(arrival, stop.windowStartAtMs) + stop.serviceSeconds * 1000;
    return arrival;
  });
}
