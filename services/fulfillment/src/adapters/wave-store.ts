// Postgres access for delivery-day waves and the orders in them (wave_orders: joined, waiting for
// their warehouse, bagged, unassigned or removed).
import { randomUUID } from 'node:crypto';
import type { Pool } from '@lc/kit';
import type { Wave } from '@lc/contracts';
import type { OrderEvent } from '../events.js';
import { msCol, type Db } from './db.js';

const WAVE_SELECT = `SELECT w.*, to_char(w.delivery_date, 'YYYY-MM-DD') AS date, ${msCol('w.cutoff_at', 'cutoff')}, ${msCol('w.closed_at', 'closed')},
  count(o.order_id) FILTER (WHERE o.status <> 'REMOVED') AS order_count
  FROM waves w LEFT JOIN wave_orders o ON o.wave_id = w.id`;

export type WaveOrderStatus = 'UNASSIGNED' | 'BAGGED';

/** An order of a wave being closed, with the pickup point of its leader if there is one. */
export interface OrderToBag {
  orderId: string;
  buyerId: string;
  skuId: string;
  qty: number;
  pickupPointId: string | null;
}

/** The wave a closed delivery run was planned for, with its warehouse's depot and shift. */
export interface WaveToPlan {
  id: string;
  status: string;
  warehouseId: string;
  date: string;
  lat: number;
  lng: number;
  timeZone: string;
  shiftStart: string;
  shiftEnd: string;
  driverIds: string[];
}

export class WaveStore {
  constructor(private readonly pool: Pool) {}

  async list(warehouseId: string): Promise<Wave[]> {
    const { rows } = await this.pool.query(`${WAVE_SELECT} WHERE w.warehouse_id = $1 GROUP BY w.id ORDER BY w.delivery_date DESC LIMIT 60`, [warehouseId]);
    return rows.map(toWave);
  }

  async byId(waveId: string): Promise<Wave | undefined> {
    const { rows } = await this.pool.query(`${WAVE_SELECT} WHERE w.id = $1 GROUP BY w.id`, [waveId]);
    return rows[0] ? toWave(rows[0]) : undefined;
  }

  async toPlan(waveId: string): Promise<WaveToPlan | undefined> {
    const { rows } = await this.pool.query(
      `SELECT w.*, to_char(w.delivery_date, 'YYYY-MM-DD') AS date, h.lat, h.lng, h.time_zone, h.shift_start, h.shift_end, h.driver_ids
       FROM waves w JOIN warehouses h ON h.id = w.warehouse_id WHERE w.id = $1`,
      [waveId],
    );
    const w = rows[0];
    return w && { id: w.id, status: w.status, warehouseId: w.warehouse_id, date: w.date, lat: w.lat, lng: w.lng, timeZone: w.time_zone, shiftStart: w.shift_start, shiftEnd: w.shift_end, driverIds: w.driver_ids };
  }

  /** Creates the wave of the day if missing, and locks it. */
  async ensure(db: Db, warehouseId: string, date: string, cutoffAtMs: number, lock: 'FOR SHARE' | 'FOR UPDATE'): Promise<{ id: string; status: string }> {
    await db.query(
      `INSERT INTO waves (id, warehouse_id, delivery_date, cutoff_at) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0)) ON CONFLICT DO NOTHING`,
      [randomUUID(), warehouseId, date, cutoffAtMs],
    );
    const { rows } = await db.query(`SELECT id, status FROM waves WHERE warehouse_id = $1 AND delivery_date = $2 ${lock}`, [warehouseId, date]);
    return rows[0] as { id: string; status: string };
  }

  async markClosed(db: Db, waveId: string): Promise<void> {
    await db.query(`UPDATE waves SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [waveId]);
  }

  /** Open waves whose cut-off has passed. */
  async due(): Promise<{ warehouseId: string; deliveryDate: string }[]> {
    const { rows } = await this.pool.query(`SELECT warehouse_id, to_char(delivery_date, 'YYYY-MM-DD') AS d FROM waves WHERE status = 'OPEN' AND cutoff_at <= now()`);
    return rows.map((r) => ({ warehouseId: r.warehouse_id, deliveryDate: r.d }));
  }

  async knowsOrder(db: Db, orderId: string): Promise<boolean> {
    const seen = await db.query('SELECT 1 FROM wave_orders WHERE order_id = $1', [orderId]);
    return (seen.rowCount ?? 0) > 0;
  }

  /**
   * The order joins the wave IN_WAVE (bound for `pickupPointId`; `deferredFrom` when a full point
   * pushed it past its first delivery day), or waits (NO_WAREHOUSE, no wave) for its warehouse.
   */
  async addOrder(
    db: Db,
    e: OrderEvent,
    waveId: string | undefined,
    status: 'IN_WAVE' | 'NO_WAREHOUSE',
    placed: { pickupPointId?: string; deferredFrom?: string } = {},
  ): Promise<void> {
    await db.query(
      `INSERT INTO wave_orders (order_id, wave_id, warehouse_id, buyer_id, leader_id, sku_id, qty, paid_at, status, pickup_point_id, deferred_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), $9, $10, $11) ON CONFLICT DO NOTHING`,
      [e.orderId, waveId ?? null, e.warehouseId, e.buyerId, e.leaderId, e.skuId, e.qty, e.atMs, status, placed.pickupPointId || null, placed.deferredFrom ?? null],
    );
  }

  /**
   * Takes one of the point's parcels for the wave's day if it has one left: a conditional
   * increment, so concurrent joins never take more than `capacity`.
   */
  async takePointSlot(db: Db, waveId: string, pickupPointId: string, capacity: number): Promise<boolean> {
    await db.query('INSERT INTO wave_point_loads (wave_id, pickup_point_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [waveId, pickupPointId]);
    const taken = await db.query('UPDATE wave_point_loads SET parcels = parcels + 1 WHERE wave_id = $1 AND pickup_point_id = $2 AND parcels < $3', [waveId, pickupPointId, capacity]);
    return taken.rowCount === 1;
  }

  /** The order's place in a wave (locked), if it holds one. */
  async slotOf(db: Db, orderId: string): Promise<{ waveId: string; pickupPointId: string; status: string } | undefined> {
    const { rows } = await db.query('SELECT wave_id, pickup_point_id, status FROM wave_orders WHERE order_id = $1 FOR UPDATE', [orderId]);
    const r = rows[0];
    return r?.wave_id && r.pickup_point_id ? { waveId: r.wave_id, pickupPointId: r.pickup_point_id, status: r.status } : undefined;
  }

  async releasePointSlot(db: Db, waveId: string, pickupPointId: string): Promise<void> {
    await db.query('UPDATE wave_point_loads SET parcels = parcels - 1 WHERE wave_id = $1 AND pickup_point_id = $2 AND parcels > 0', [waveId, pickupPointId]);
  }

  /**
   * Takes the order out of its wave, or leaves a tombstone when the withdrawal overtakes order.paid.
   * A BAGGED order is removed only when its bag was cancelled; answers whether it was removed.
   */
  async removeOrder(db: Db, e: OrderEvent, reason: string, bagCancelled: boolean): Promise<boolean> {
    const r = await db.query(
      `INSERT INTO wave_orders (order_id, warehouse_id, buyer_id, leader_id, sku_id, qty, status, removed_at, removed_reason)
       VALUES ($1, $2, $3, $4, $5, $6, 'REMOVED', now(), $7)
       ON CONFLICT (order_id) DO UPDATE SET status = 'REMOVED', removed_at = now(), removed_reason = $7
         WHERE wave_orders.status IN ('IN_WAVE', 'NO_WAREHOUSE', 'UNASSIGNED') OR (wave_orders.status = 'BAGGED' AND $8)`,
      [e.orderId, e.warehouseId, e.buyerId, e.leaderId, e.skuId, e.qty, reason, bagCancelled],
    );
    return r.rowCount !== 0;
  }

  /** Orders waiting for this warehouse, as the paid events they came from. */
  async waiting(warehouseId: string): Promise<OrderEvent[]> {
    const { rows } = await this.pool.query(`SELECT * FROM wave_orders WHERE warehouse_id = $1 AND status = 'NO_WAREHOUSE'`, [warehouseId]);
    return rows.map((r) => ({
      orderId: r.order_id,
      buyerId: r.buyer_id,
      leaderId: r.leader_id,
      skuId: r.sku_id,
      warehouseId,
      qty: r.qty,
      status: 'PAID',
      atMs: new Date(r.paid_at).getTime(),
      pickupPointId: r.pickup_point_id ?? '',
    }));
  }

  /** Claims a waiting order for adoption; false when another pod claimed it first. */
  async takeWaiting(db: Db, orderId: string): Promise<boolean> {
    const taken = await db.query(`DELETE FROM wave_orders WHERE order_id = $1 AND status = 'NO_WAREHOUSE'`, [orderId]);
    return (taken.rowCount ?? 0) > 0;
  }

  /** Warehouses that exist by now and still have orders waiting for them. */
  async warehousesWithWaiting(): Promise<string[]> {
    const { rows } = await this.pool.query(
      `SELECT DISTINCT o.warehouse_id FROM wave_orders o JOIN warehouses h ON h.id = o.warehouse_id WHERE o.status = 'NO_WAREHOUSE'`,
    );
    return rows.map((r) => r.warehouse_id);
  }

  async ordersToBag(db: Db, waveId: string): Promise<OrderToBag[]> {
    const { rows } = await db.query(
      // Orders paid before points were chosen carry none: they go to their leader's point.
      `SELECT o.*, COALESCE(o.pickup_point_id, p.id) AS point_id FROM wave_orders o LEFT JOIN pickup_points p ON p.leader_id = o.leader_id
       WHERE o.wave_id = $1 AND o.status = 'IN_WAVE' ORDER BY o.paid_at, o.order_id`,
      [waveId],
    );
    return rows.map((o) => ({ orderId: o.order_id, buyerId: o.buyer_id, skuId: o.sku_id, qty: o.qty, pickupPointId: o.point_id }));
  }

  async markOrder(db: Db, orderId: string, status: WaveOrderStatus): Promise<void> {
    await db.query(`UPDATE wave_orders SET status = $2 WHERE order_id = $1`, [orderId, status]);
  }

  async unassignedOrderIds(waveId: string): Promise<string[]> {
    const { rows } = await this.pool.query(`SELECT order_id FROM wave_orders WHERE wave_id = $1 AND status = 'UNASSIGNED' ORDER BY order_id`, [waveId]);
    return rows.map((r) => r.order_id);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toWave(r: any): Wave {
  return {
    id: r.id,
    warehouseId: r.warehouse_id,
    deliveryDate: r.date,
    status: r.status,
    cutoffAtMs: Number(r.cutoff_ms),
    closedAtMs: Number(r.closed_ms ?? 0),
    orderCount: Number(r.order_count ?? 0),
  };
}
