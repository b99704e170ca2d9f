// Warehouses (location, zone, shift, cut-off, vehicles, drivers) and pickup points (one per
// leader, receiving hours). Everything is checked before anything is written.
import { DomainError } from '@lc/kit';
import type { Actor, PickupPoint, Warehouse } from '@lc/contracts';
import type { WarehouseStore } from './adapters/warehouse-store.js';
import { deliveryDateFor, isLocalTime, isTimeZone } from './domain/local-time.js';
import { shiftProblems, vehicleProblems, type FieldProblem, type VehicleShift } from './domain/warehouse-rules.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Parcels a day for a point created without a capacity. */
export const DEFAULT_DAILY_CAPACITY = 200;
const MAX_DAILY_CAPACITY = 100_000;

/** A point a buyer may choose, with how far it is and what it can still take. */
export interface PickupPointChoice {
  pickupPoint: PickupPoint;
  distanceM: number;
  deliveryDate: string;
  remainingCapacity: number;
}

function refuse(problems: FieldProblem[]): never {
  const first = problems[0]!;
  throw new DomainError('INVALID_ARGUMENT', `${first.field}: ${first.problem}`, { fields: problems });
}

function coordinateProblems(lat: number, lng: number, prefix = ''): FieldProblem[] {
  const p: FieldProblem[] = [];
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) p.push({ field: `${prefix}lat`, problem: 'must be a latitude between -90 and 90' });
  if (!Number.isFinite(lng) || lng < -180 || lng > 180) p.push({ field: `${prefix}lng`, problem: 'must be a longitude between -180 and 180' });
  return p;
}

function timeProblems(values: Record<string, string>): FieldProblem[] {
  return Object.entries(values)
    .filter(([, v]) => !isLocalTime(v))
    .map(([field, v]) => ({ field, problem: `must be a local time HH:MM, got ${JSON.stringify(v)}` }));
}

export class Warehouses {
  constructor(private readonly store: WarehouseStore) {}

  async create(w: Warehouse): Promise<Warehouse> {
    const problems: FieldProblem[] = [];
    if (!ID.test(w.id)) problems.push({ field: 'id', problem: 'must be 1-64 letters, digits, _ or -' });
    if (!w.name.trim()) problems.push({ field: 'name', problem: 'is required' });
    problems.push(...coordinateProblems(w.lat, w.lng));
    if (!isTimeZone(w.timeZone)) problems.push({ field: 'timeZone', problem: `must be an IANA time zone such as Asia/Shanghai, got ${JSON.stringify(w.timeZone)}` });
    problems.push(...timeProblems({ shiftStart: w.shiftStart, shiftEnd: w.shiftEnd, cutoff: w.cutoff }));
    if (!problems.length) problems.push(...shiftProblems({ start: w.shiftStart, end: w.shiftEnd }, 'shiftEnd'));
    const vehicles: VehicleShift[] = w.vehicles.map((v) => ({
      id: v.id,
      capacity: v.capacity,
      shiftStart: v.shiftStart || w.shiftStart,
      shiftEnd: v.shiftEnd || w.shiftEnd,
      driverId: v.driverId,
    }));
    vehicles.forEach((v, i) => {
      if (!ID.test(v.id)) problems.push({ field: `vehicles.${i}.id`, problem: 'must be 1-64 letters, digits, _ or -' });
      if (!Number.isInteger(v.capacity) || v.capacity < 0) problems.push({ field: `vehicles.${i}.capacity`, problem: `must be a non-negative integer, got ${v.capacity}` });
      problems.push(...timeProblems({ [`vehicles.${i}.shiftStart`]: v.shiftStart, [`vehicles.${i}.shiftEnd`]: v.shiftEnd }));
    });
    if (!problems.length) problems.push(...vehicleProblems(vehicles));
    if (problems.length) refuse(problems);

    if (!(await this.store.insert(w, vehicles))) throw new DomainError('CONFLICT', `id: warehouse ${w.id} already exists`);
    return this.get(w.id);
  }

  async get(id: string): Promise<Warehouse> {
    const warehouse = await this.store.byId(id);
    if (!warehouse) throw new DomainError('NOT_FOUND', `warehouseId: no warehouse ${id}`);
    return warehouse;
  }

  /** A leader may only open their own pickup point; warehouse staff and admins any. */
  async createPickupPoint(actor: Actor, p: PickupPoint): Promise<PickupPoint> {
    const leaderId = actor.role === 'leader' ? actor.userId : p.leaderId;
    if (actor.role === 'leader' && p.leaderId && p.leaderId !== actor.userId) throw new DomainError('FORBIDDEN', 'leaderId: a leader may only create their own pickup point');
    const problems: FieldProblem[] = [];
    if (!ID.test(p.id)) problems.push({ field: 'id', problem: 'must be 1-64 letters, digits, _ or -' });
    if (!leaderId) problems.push({ field: 'leaderId', problem: 'is required' });
    if (!p.name.trim()) problems.push({ field: 'name', problem: 'is required' });
    problems.push(...coordinateProblems(p.lat, p.lng));
    problems.push(...timeProblems({ opensAt: p.opensAt, closesAt: p.closesAt }));
    if (!problems.length) problems.push(...shiftProblems({ start: p.opensAt, end: p.closesAt }, 'closesAt'));
    if (!Number.isInteger(p.serviceMinutes) || p.serviceMinutes < 0 || p.serviceMinutes > 240) problems.push({ field: 'serviceMinutes', problem: 'must be an integer from 0 to 240' });
    const dailyCapacity = p.dailyCapacity || DEFAULT_DAILY_CAPACITY;
    if (!Number.isInteger(dailyCapacity) || dailyCapacity < 1 || dailyCapacity > MAX_DAILY_CAPACITY) problems.push({ field: 'dailyCapacity', problem: `must be an integer from 1 to ${MAX_DAILY_CAPACITY}` });
    if (problems.length) refuse(problems);
    await this.get(p.warehouseId);
    if (!(await this.store.insertPickupPoint({ ...p, leaderId, dailyCapacity }))) {
      const rows = await this.store.pickupPointsClashing(p.id, leaderId);
      const clash = rows.find((r) => r.id === p.id);
      throw new DomainError('CONFLICT', clash ? `id: pickup point ${p.id} already exists` : `leaderId: leader ${leaderId} already has pickup point ${rows[0]?.id}`);
    }
    return (await this.pickupPointOf({ id: p.id }))!;
  }

  pickupPointOf(by: { id: string } | { leaderId: string }): Promise<PickupPoint | undefined> {
    return this.store.pickupPoint(by);
  }

  /**
   * Points for a buyer to choose from, nearest first (or the named ones), each with its hours and
   * the parcels it can still take on the delivery day an order paid at `nowMs` would join (the
   * day after today in the warehouse's zone, or the day after that past the cut-off).
   */
  async choices(q: { from?: { lat: number; lng: number }; ids: string[]; limit: number }, nowMs = Date.now()): Promise<PickupPointChoice[]> {
    const problems = q.from ? coordinateProblems(q.from.lat, q.from.lng) : [];
    q.ids.forEach((id, i) => {
      if (!ID.test(id)) problems.push({ field: `ids.${i}`, problem: 'must be 1-64 letters, digits, _ or -' });
    });
    if (!q.from && !q.ids.length) problems.push({ field: 'near', problem: 'a location (lat,lng) or pickup point ids are required' });
    if (problems.length) refuse(problems);
    const limit = Math.min(Math.max(q.limit || 20, 1), 100);
    const found = await this.store.pickupPointsNear({ ...(q.from ? { from: q.from } : {}), ids: q.ids, limit });
    const dated = found.map((f) => ({ ...f, deliveryDate: deliveryDateFor(nowMs, f.timeZone, f.cutoff) }));
    const loads = await this.store.pointLoads(dated.map((f) => ({ pointId: f.point.id, warehouseId: f.point.warehouseId, date: f.deliveryDate })));
    return dated.map((f) => ({
      pickupPoint: f.point,
      distanceM: Math.round(f.distanceM),
      deliveryDate: f.deliveryDate,
      remainingCapacity: Math.max(0, f.point.dailyCapacity - (loads.get(f.point.id) ?? 0)),
    }));
  }

  pickupPointRefs() {
    return this.store.pickupPointRefs();
  }
}
