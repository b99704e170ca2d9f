// Postgres access for warehouses, their vehicles and the pickup points they serve.
import { inTransaction, type Pool } from '@lc/kit';
import type { PickupPoint, Warehouse } from '@lc/contracts';
import type { VehicleShift } from '../domain/warehouse-rules.js';
import type { Db } from './db.js';

/** The things staff act on, and the warehouse each belongs to. */
const WAREHOUSE_OF = {
  warehouse: 'SELECT id AS warehouse_id FROM warehouses WHERE id = $1',
  wave: 'SELECT warehouse_id FROM waves WHERE id = $1',
  bag: 'SELECT w.warehouse_id FROM bags b JOIN waves w ON w.id = b.wave_id WHERE b.id = $1',
  plan: 'SELECT w.warehouse_id FROM route_plans p JOIN waves w ON w.id = p.wave_id WHERE p.id = $1',
  route: 'SELECT warehouse_id FROM routes WHERE id = $1',
} as const;

export type ScopedKind = keyof typeof WAREHOUSE_OF;

export class WarehouseStore {
  constructor(private readonly pool: Pool) {}

  /** False when a warehouse with this id already exists (nothing is written then). */
  async insert(w: Warehouse, vehicles: VehicleShift[]): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        `INSERT INTO warehouses (id, name, lat, lng, time_zone, shift_start, shift_end, cutoff, driver_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [w.id, w.name, w.lat, w.lng, w.timeZone, w.shiftStart, w.shiftEnd, w.cutoff, w.driverIds],
      );
      if (inserted.rowCount !== 1) return false;
      for (const v of vehicles) {
        await client.query('INSERT INTO vehicles (warehouse_id, id, shift_start, shift_end, capacity, driver_id) VALUES ($1, $2, $3, $4, $5, $6)', [
          w.id, v.id, v.shiftStart, v.shiftEnd, v.capacity, v.driverId,
        ]);
      }
      return true;
    });
  }

  async byId(id: string): Promise<Warehouse | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM warehouses WHERE id = $1', [id]);
    const r = rows[0];
    if (!r) return undefined;
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
      vehicles: (await this.vehicles(id)).map(({ id, capacity, shiftStart, shiftEnd, driverId }) => ({ id, capacity, shiftStart, shiftEnd, driverId })),
    };
  }

  async vehicles(warehouseId: string): Promise<VehicleShift[]> {
    const { rows } = await this.pool.query('SELECT * FROM vehicles WHERE warehouse_id = $1 ORDER BY id, shift_start', [warehouseId]);
    return rows.map((v) => ({ id: v.id, capacity: v.capacity, shiftStart: v.shift_start, shiftEnd: v.shift_end, driverId: v.driver_id }));
  }

  /** The warehouse's zone and daily cut-off, which decide an order's delivery day. */
  async clock(db: Db, warehouseId: string): Promise<{ timeZone: string; cutoff: string } | undefined> {
    const { rows } = await db.query('SELECT time_zone, cutoff FROM warehouses WHERE id = $1', [warehouseId]);
    return rows[0] ? { timeZone: rows[0].time_zone, cutoff: rows[0].cutoff } : undefined;
  }

  async warehouseOf(kind: ScopedKind, id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ warehouse_id: string }>(WAREHOUSE_OF[kind], [id]);
    return rows[0]?.warehouse_id;
  }

  /** False when the id or the leader is taken (nothing is written then). */
  async insertPickupPoint(p: PickupPoint): Promise<boolean> {
    const inserted = await this.pool.query(
      `INSERT INTO pickup_points (id, leader_id, warehouse_id, name, address, lat, lng, opens_at, closes_at, service_minutes, daily_capacity)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [p.id, p.leaderId, p.warehouseId, p.name, p.address, p.lat, p.lng, p.opensAt, p.closesAt, p.serviceMinutes, p.dailyCapacity],
    );
    return inserted.rowCount === 1;
  }

  /** The pickup points holding this id or belonging to this leader. */
  async pickupPointsClashing(id: string, leaderId: string): Promise<{ id: string; leaderId: string }[]> {
    const { rows } = await this.pool.query('SELECT id, leader_id FROM pickup_points WHERE id = $1 OR leader_id = $2', [id, leaderId]);
    return rows.map((r) => ({ id: r.id, leaderId: r.leader_id }));
  }

  async pickupPoint(by: { id: string } | { leaderId: string }): Promise<PickupPoint | undefined> {
    const { rows } = 'id' in by
      ? await this.pool.query('SELECT * FROM pickup_points WHERE id = $1', [by.id])
      : await this.pool.query('SELECT * FROM pickup_points WHERE leader_id = $1', [by.leaderId]);
    return rows[0] ? toPickupPoint(rows[0]) : undefined;
  }

  /** Every point, compactly (the order service's copy). */
  async pickupPointRefs(): Promise<{ id: string; leaderId: string; warehouseId: string }[]> {
    const { rows } = await this.pool.query('SELECT id, leader_id, warehouse_id FROM pickup_points');
    return rows.map((r) => ({ id: r.id, leaderId: r.leader_id, warehouseId: r.warehouse_id }));
  }

  /**
   * Points nearest `from` first (great-circle), or the named ones; each with its warehouse's zone
   * and cut-off, which decide the delivery day an order paid now joins.
   */
  async pickupPointsNear(q: { from?: { lat: number; lng: number }; ids: string[]; limit: number }): Promise<PointWithClock[]> {
    const distance = q.from
      ? `6371008.8 * 2 * asin(sqrt(power(sin(radians(p.lat - $1) / 2), 2) + cos(radians($1)) * cos(radians(p.lat)) * power(sin(radians(p.lng - $2) / 2), 2)))`
      : '0';
    const values: unknown[] = q.from ? [q.from.lat, q.from.lng] : [0, 0];
    values.push(q.limit, q.ids);
    const { rows } = await this.pool.query(
      `SELECT p.*, ${distance} AS distance_m, h.time_zone, h.cutoff FROM pickup_points p JOIN warehouses h ON h.id = p.warehouse_id
       WHERE (cardinality($4::text[]) = 0 OR p.id = ANY($4::text[])) AND $1::float8 IS NOT NULL AND $2::float8 IS NOT NULL
       ORDER BY distance_m, p.id LIMIT $3`,
      values,
    );
    return rows.map((r) => ({ point: toPickupPoint(r), distanceM: Number(r.distance_m), timeZone: r.time_zone, cutoff: r.cutoff }));
  }

  /** Parcels already bound for each point on each (warehouse, delivery day) asked about. */
  async pointLoads(asks: { pointId: string; warehouseId: string; date: string }[]): Promise<Map<string, number>> {
    if (!asks.length) return new Map();
    const { rows } = await this.pool.query(
      `SELECT a."pointId" AS point_id, l.parcels FROM jsonb_to_recordset($1::jsonb) AS a("pointId" text, "warehouseId" text, date date)
       JOIN waves w ON w.warehouse_id = a."warehouseId" AND w.delivery_date = a.date
       JOIN wave_point_loads l ON l.wave_id = w.id AND l.pickup_point_id = a."pointId"`,
      [JSON.stringify(asks)],
    );
    return new Map(rows.map((r) => [r.point_id as string, Number(r.parcels)]));
  }

  async pickupPointsOfWave(waveId: string): Promise<PickupPoint[]> {
    const { rows } = await this.pool.query(`SELECT * FROM pickup_points WHERE id IN (SELECT DISTINCT pickup_point_id FROM bags WHERE wave_id = $1)`, [waveId]);
    return rows.map(toPickupPoint);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toPickupPoint(r: any): PickupPoint {
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
    dailyCapacity: r.daily_capacity,
  };
}

export interface PointWithClock {
  point: PickupPoint;
  distanceM: number;
  timeZone: string;
  cutoff: string;
}
