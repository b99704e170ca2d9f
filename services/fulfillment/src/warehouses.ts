// Warehouses (location, zone, shift, cut-off, vehicles, drivers) and pickup points (one per
// leader, receiving hours). Everything is checked before anything is written.
import { DomainError, inTransaction, type Pool } from '@lc/kit';
import type { Actor, PickupPoint, Warehouse } from '@lc/contracts';
import { isLocalTime, isTimeZone } from './domain/local-time.js';
import { shiftProblems, vehicleProblems, type FieldProblem, type VehicleShift } from './domain/warehouse-rules.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

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
  constructor(private readonly pool: Pool) {}

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

    await inTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        `INSERT INTO warehouses (id, name, lat, lng, time_zone, shift_start, shift_end, cutoff, driver_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [w.id, w.name, w.lat, w.lng, w.timeZone, w.shiftStart, w.shiftEnd, w.cutoff, w.driverIds],
      );
      if (inserted.rowCount !== 1) throw new DomainError('CONFLICT', `id: warehouse ${w.id} already exists`);
      for (const v of vehicles) {
        await client.query('INSERT INTO vehicles (warehouse_id, id, shift_start, shift_end, capacity, driver_id) VALUES ($1, $2, $3, $4, $5, $6)', [
          w.id, v.id, v.shiftStart, v.shiftEnd, v.capacity, v.driverId,
        ]);
      }
    });
    return this.get(w.id);
  }

  async get(id: string): Promise<Warehouse> {
    const { rows } = await this.pool.query('SELECT * FROM warehouses WHERE id = $1', [id]);
    const r = rows[0];
    if (!r) throw new DomainError('NOT_FOUND', `warehouseId: no warehouse ${id}`);
    const vehicles = await this.pool.query('SELECT * FROM vehicles WHERE warehouse_id = $1 ORDER BY id, shift_start', [id]);
    return {
      id: r.id,
      name: r.name,
      lat: r.lat,
      lng: r.lng,
      timeZone: r.time_zone,
      shiftStart: r.shift_start,
      shiftEnd: r.shift_end,
      cutoff: r.cutoff,
      driverIds: r.driver_ids,
      vehicles: vehicles.rows.map((v) => ({ id: v.id, capacity: v.capacity, shiftStart: v.shift_start, shiftEnd: v.shift_end, driverId: v.driver_id })),
    };
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
    if (problems.length) refuse(problems);
    await this.get(p.warehouseId);
    const inserted = await this.pool.query(
      `INSERT INTO pickup_points (id, leader_id, warehouse_id, name, address, lat, lng, opens_at, closes_at, service_minutes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [p.id, leaderId, p.warehouseId, p.name, p.address, p.lat, p.lng, p.opensAt, p.closesAt, p.serviceMinutes],
    );
    if (inserted.rowCount !== 1) {
      const { rows } = await this.pool.query('SELECT id, leader_id FROM pickup_points WHERE id = $1 OR leader_id = $2', [p.id, leaderId]);
      const clash = rows.find((r) => r.id === p.id);
      throw new DomainError('CONFLICT', clash ? `id: pickup point ${p.id} already exists` : `leaderId: leader ${leaderId} already has pickup point ${rows[0]?.id}`);
    }
    return (await this.pickupPointOf({ id: p.id }))!;
  }

  async pickupPointOf(by: { id: string } | { leaderId: string }): Promise<PickupPoint | undefined> {
    const { rows } = 'id' in by
      ? await this.pool.query('SELECT * FROM pickup_points WHERE id = $1', [by.id])
      : await this.pool.query('SELECT * FROM pickup_points WHERE leader_id = $1', [by.leaderId]);
    const r = rows[0];
    return r ? toPickupPoint(r) : undefined;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toPickupPoint(r: any): PickupPoint {
  return {
    id: r.id,
    leaderId: r.leader_id,
    warehouseId: r.warehouse_id,
    name: r.name,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    serviceMinutes: r.service_minutes,
  };
}
