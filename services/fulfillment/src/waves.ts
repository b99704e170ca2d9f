// Delivery-day waves: paid orders join the open wave of their warehouse for the day the cut-off
// gives; cancellations and refunds before packing take them out; closing a wave bags every order
// per pickup point with a label and a pickup code; packing a bag publishes fulfillment.packed.
import { randomUUID } from 'node:crypto';
import { DomainError, enqueueEvent, inTransaction, type Logger, type Pool, type PoolClient } from '@lc/kit';
import type { Bag, Wave } from '@lc/contracts';
import { addDays, cutoffInstant, deliveryDateFor, isLocalDate } from './domain/local-time.js';
import { bagLabel, buildPickLists, pickListsCsv, pickListsHtml, type PickList } from './domain/pick-list.js';
import { derivePickupCode, pickupCodeHash } from './domain/pickup-code.js';
import { bagFrom, bagTo } from './domain/bag-status.js';
import { FULFILLMENT_EVENTS, fulfillmentMsgId, type OrderEvent, type PackedEvent } from './events.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

export class Waves {
  constructor(
    private readonly pool: Pool,
    private readonly codeSecret: string,
    private readonly logger: Logger,
  ) {}

  /** order.paid: idempotent by order id (the wave_orders primary key). */
  async orderPaid(e: OrderEvent): Promise<void> {
    await inTransaction(this.pool, (client) => this.join(client, e));
  }

  /** order.cancelled / order.refunded: out of the wave unless its bag is already packed. */
  async orderWithdrawn(e: OrderEvent, reason: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const bag = await client.query(
        `UPDATE bags SET status = 'CANCELLED', cancelled_at = now() WHERE order_id = $1 AND status = ANY($2::text[]) RETURNING id`,
        [e.orderId, bagFrom('cancel')],
      );
      // A tombstone when the withdrawal overtakes order.paid, so the late paid event adds nothing.
      const r = await client.query(
        `INSERT INTO wave_orders (order_id, warehouse_id, buyer_id, leader_id, sku_id, qty, status, removed_at, removed_reason)
         VALUES ($1, $2, $3, $4, $5, $6, 'REMOVED', now(), $7)
         ON CONFLICT (order_id) DO UPDATE SET status = 'REMOVED', removed_at = now(), removed_reason = $7
           WHERE wave_orders.status IN ('IN_WAVE', 'NO_WAREHOUSE', 'UNASSIGNED') OR (wave_orders.status = 'BAGGED' AND $8)`,
        [e.orderId, e.warehouseId, e.buyerId, e.leaderId, e.skuId, e.qty, reason, (bag.rowCount ?? 0) > 0],
      );
      if (r.rowCount === 0) this.logger.warn({ orderId: e.orderId, reason }, 'order withdrawn after packing; left in its wave');
    });
  }

  /** Orders that arrived before their warehouse existed join its waves once it does. */
  async adoptWaiting(warehouseId: string): Promise<void> {
    const { rows } = await this.pool.query(`SELECT * FROM wave_orders WHERE warehouse_id = $1 AND status = 'NO_WAREHOUSE'`, [warehouseId]);
    for (const r of rows) {
      await inTransaction(this.pool, async (client) => {
        // Another pod adopting the same order got there first: nothing left to do.
        const taken = await client.query(`DELETE FROM wave_orders WHERE order_id = $1 AND status = 'NO_WAREHOUSE'`, [r.order_id]);
        if (!taken.rowCount) return;
        await this.join(client, { orderId: r.order_id, buyerId: r.buyer_id, leaderId: r.leader_id, skuId: r.sku_id, warehouseId, qty: r.qty, status: 'PAID', atMs: new Date(r.paid_at).getTime() });
      });
    }
  }

  /**
   * Waiting orders whose warehouse exists by now: left behind when the pod that created the
   * warehouse died while adopting them, or when an order.paid raced the warehouse's creation.
   */
  async adoptOrphans(): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT DISTINCT o.warehouse_id FROM wave_orders o JOIN warehouses h ON h.id = o.warehouse_id WHERE o.status = 'NO_WAREHOUSE'`,
    );
    for (const r of rows) await this.adoptWaiting(r.warehouse_id);
    return rows.length;
  }

  private async join(client: PoolClient, e: OrderEvent): Promise<void> {
    // Seen before (a redelivery, or withdrawn first): nothing to do, not even a new wave.
    const seen = await client.query('SELECT 1 FROM wave_orders WHERE order_id = $1', [e.orderId]);
    if (seen.rowCount) return;
    const wh = await client.query('SELECT time_zone, cutoff FROM warehouses WHERE id = $1', [e.warehouseId]);
    const zone = wh.rows[0]?.time_zone as string | undefined;
    if (!zone) {
      this.logger.warn({ orderId: e.orderId, warehouseId: e.warehouseId }, 'paid order for an unknown warehouse kept waiting');
      await client.query(
        `INSERT INTO wave_orders (order_id, warehouse_id, buyer_id, leader_id, sku_id, qty, paid_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), 'NO_WAREHOUSE') ON CONFLICT DO NOTHING`,
        [e.orderId, e.warehouseId, e.buyerId, e.leaderId, e.skuId, e.qty, e.atMs],
      );
      return;
    }
    const cutoff = wh.rows[0].cutoff as string;
    // A wave closed early (on demand) passes its late orders on to the next day.
    let date = deliveryDateFor(e.atMs, zone, cutoff);
    let waveId: string | undefined;
    for (let i = 0; i < 60 && !waveId; i++, date = addDays(date, 1)) {
      const wave = await this.ensureWave(client, e.warehouseId, date, zone, cutoff, 'FOR SHARE');
      if (wave.status === 'OPEN') waveId = wave.id;
    }
    await client.query(
      `INSERT INTO wave_orders (order_id, wave_id, warehouse_id, buyer_id, leader_id, sku_id, qty, paid_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), 'IN_WAVE') ON CONFLICT DO NOTHING`,
      [e.orderId, waveId, e.warehouseId, e.buyerId, e.leaderId, e.skuId, e.qty, e.atMs],
    );
  }

  private async ensureWave(client: PoolClient, warehouseId: string, date: string, zone: string, cutoff: string, lock: 'FOR SHARE' | 'FOR UPDATE') {
    await client.query(
      `INSERT INTO waves (id, warehouse_id, delivery_date, cutoff_at) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0)) ON CONFLICT DO NOTHING`,
      [randomUUID(), warehouseId, date, cutoffInstant(date, zone, cutoff)],
    );
    const { rows } = await client.query(`SELECT id, status FROM waves WHERE warehouse_id = $1 AND delivery_date = $2 ${lock}`, [warehouseId, date]);
    return rows[0] as { id: string; status: string };
  }

  async list(warehouseId: string): Promise<Wave[]> {
    const { rows } = await this.pool.query(`${WAVE_SELECT} WHERE w.warehouse_id = $1 GROUP BY w.id ORDER BY w.delivery_date DESC LIMIT 60`, [warehouseId]);
    return rows.map(toWave);
  }

  async get(waveId: string): Promise<Wave> {
    if (!isUuid(waveId)) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    const { rows } = await this.pool.query(`${WAVE_SELECT} WHERE w.id = $1 GROUP BY w.id`, [waveId]);
    if (!rows[0]) throw new DomainError('NOT_FOUND', `waveId: no wave ${waveId}`);
    return toWave(rows[0]);
  }

  /** Closes the wave (idempotent) and bags its orders per pickup point. */
  async close(warehouseId: string, deliveryDate: string): Promise<Wave> {
    if (!isLocalDate(deliveryDate)) throw new DomainError('INVALID_ARGUMENT', `deliveryDate: must be a date YYYY-MM-DD, got ${JSON.stringify(deliveryDate)}`);
    const waveId = await inTransaction(this.pool, async (client) => {
      const wh = await client.query('SELECT time_zone, cutoff FROM warehouses WHERE id = $1', [warehouseId]);
      if (!wh.rows[0]) throw new DomainError('NOT_FOUND', `warehouseId: no warehouse ${warehouseId}`);
      const wave = await this.ensureWave(client, warehouseId, deliveryDate, wh.rows[0].time_zone, wh.rows[0].cutoff, 'FOR UPDATE');
      if (wave.status !== 'OPEN') return wave.id;
      const { rows: orders } = await client.query(
        `SELECT o.*, p.id AS pickup_point_id FROM wave_orders o LEFT JOIN pickup_points p ON p.leader_id = o.leader_id
         WHERE o.wave_id = $1 AND o.status = 'IN_WAVE' ORDER BY o.paid_at, o.order_id`,
        [wave.id],
      );
      const counters = new Map<string, number>();
      for (const o of orders) {
        if (!o.pickup_point_id) {
          await client.query(`UPDATE wave_orders SET status = 'UNASSIGNED' WHERE order_id = $1`, [o.order_id]);
          continue;
        }
        const n = (counters.get(o.pickup_point_id) ?? 0) + 1;
        counters.set(o.pickup_point_id, n);
        await this.insertBag(client, { waveId: wave.id, deliveryDate, pickupPointId: o.pickup_point_id, n, order: o });
        await client.query(`UPDATE wave_orders SET status = 'BAGGED' WHERE order_id = $1`, [o.order_id]);
      }
      await client.query(`UPDATE waves SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [wave.id]);
      return wave.id;
    });
    return this.get(waveId);
  }

  /** Waves whose cut-off has passed close by themselves. */
  async closeDue(): Promise<number> {
    const { rows } = await this.pool.query(`SELECT warehouse_id, to_char(delivery_date, 'YYYY-MM-DD') AS d FROM waves WHERE status = 'OPEN' AND cutoff_at <= now()`);
    for (const r of rows) await this.close(r.warehouse_id, r.d);
    return rows.length;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async insertBag(client: PoolClient, b: { waveId: string; deliveryDate: string; pickupPointId: string; n: number; order: any }) {
    const id = randomUUID();
    // A code is unique per pickup point and day, and never shared with a parcel still waiting there.
    for (let nonce = 0; ; nonce++) {
      const hash = pickupCodeHash(this.codeSecret, b.pickupPointId, derivePickupCode(this.codeSecret, id, nonce));
      const clash = await client.query(
        `SELECT 1 FROM bags WHERE pickup_point_id = $1 AND code_hash = $2 AND (delivery_date = $3 OR status NOT IN ('PICKED_UP', 'CANCELLED'))`,
        [b.pickupPointId, hash, b.deliveryDate],
      );
      if (clash.rowCount) continue;
      await client.query(
        `INSERT INTO bags (id, order_id, wave_id, pickup_point_id, delivery_date, buyer_id, sku_id, qty, label, code_nonce, code_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [id, b.order.order_id, b.waveId, b.pickupPointId, b.deliveryDate, b.order.buyer_id, b.order.sku_id, b.order.qty, bagLabel(b.deliveryDate, b.pickupPointId, b.n), nonce, hash],
      );
      return;
    }
  }

  async pickLists(waveId: string): Promise<{ wave: Wave; pickLists: PickList<Bag>[]; unassignedOrderIds: string[] }> {
    const wave = await this.get(waveId);
    const bags = await this.pool.query(`${BAG_SELECT} WHERE b.wave_id = $1`, [waveId]);
    const points = await this.pool.query(`SELECT * FROM pickup_points WHERE id IN (SELECT DISTINCT pickup_point_id FROM bags WHERE wave_id = $1)`, [waveId]);
    const unassigned = await this.pool.query(`SELECT order_id FROM wave_orders WHERE wave_id = $1 AND status = 'UNASSIGNED' ORDER BY order_id`, [waveId]);
    const pickLists = buildPickLists(
      points.rows.map((p) => ({ id: p.id, name: p.name, leaderId: p.leader_id, address: p.address })),
      bags.rows.map(toBag),
    );
    return { wave, pickLists, unassignedOrderIds: unassigned.rows.map((r) => r.order_id) };
  }

  async render(waveId: string, format: string): Promise<{ contentType: string; body: string }> {
    if (format !== 'csv' && format !== 'html') throw new DomainError('INVALID_ARGUMENT', 'format: must be csv or html');
    const { wave, pickLists } = await this.pickLists(waveId);
    return format === 'csv'
      ? { contentType: 'text/csv; charset=utf-8', body: pickListsCsv(pickLists) }
      : { contentType: 'text/html; charset=utf-8', body: pickListsHtml(wave, pickLists) };
  }

  /** Marks a bag packed once; packing it again answers the bag as it is and publishes nothing. */
  async pack(bagId: string): Promise<Bag> {
    if (!isUuid(bagId)) throw new DomainError('NOT_FOUND', `bagId: no bag ${bagId}`);
    await inTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        `UPDATE bags SET status = $2, packed_at = now() WHERE id = $1 AND status = ANY($3::text[]) RETURNING order_id, (extract(epoch from packed_at) * 1000)::bigint AS at_ms`,
        [bagId, bagTo('pack'), bagFrom('pack')],
      );
      const r = rows[0];
      if (!r) return;
      const event: PackedEvent = { orderId: r.order_id, bagId, atMs: Number(r.at_ms) };
      await enqueueEvent(client, FULFILLMENT_EVENTS.packed, event, fulfillmentMsgId(r.order_id, 'PACKED'));
    });
    const bag = await bagById(this.pool, bagId);
    if (bag.status === 'PENDING' || bag.status === 'CANCELLED') throw new DomainError('INVALID_STATE', `bag ${bagId} is ${bag.status} and cannot be packed`);
    return bag;
  }
}

const WAVE_SELECT = `SELECT w.*, to_char(w.delivery_date, 'YYYY-MM-DD') AS date,
  (extract(epoch from w.cutoff_at) * 1000)::bigint AS cutoff_ms, (extract(epoch from w.closed_at) * 1000)::bigint AS closed_ms,
  count(o.order_id) FILTER (WHERE o.status <> 'REMOVED') AS order_count
  FROM waves w LEFT JOIN wave_orders o ON o.wave_id = w.id`;

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

const ms = (col: string) => `(extract(epoch from b.${col}) * 1000)::bigint AS ${col}_ms`;
export const BAG_SELECT = `SELECT b.*, to_char(b.delivery_date, 'YYYY-MM-DD') AS date, ${['packed_at', 'dispatched_at', 'arrived_at', 'picked_up_at', 'cancelled_at'].map(ms).join(', ')} FROM bags b`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toBag(r: any): Bag {
  return {
    id: r.id,
    orderId: r.order_id,
    waveId: r.wave_id,
    pickupPointId: r.pickup_point_id,
    label: r.label,
    skuId: r.sku_id,
    qty: r.qty,
    status: r.status,
    buyerId: r.buyer_id,
    deliveryDate: r.date,
    routeId: r.route_id ?? '',
    stopId: r.stop_id ?? '',
    packedAtMs: Number(r.packed_at_ms ?? 0),
    dispatchedAtMs: Number(r.dispatched_at_ms ?? 0),
    arrivedAtMs: Number(r.arrived_at_ms ?? 0),
    pickedUpAtMs: Number(r.picked_up_at_ms ?? 0),
    cancelledAtMs: Number(r.cancelled_at_ms ?? 0),
  };
}

export async function bagById(pool: Pool, bagId: string): Promise<Bag> {
  const { rows } = await pool.query(`${BAG_SELECT} WHERE b.id = $1`, [bagId]);
  if (!rows[0]) throw new DomainError('NOT_FOUND', `bagId: no bag ${bagId}`);
  return toBag(rows[0]);
}
