// Postgres access for bags: one per bagged order, carrying its label, pickup code hash and the
// times it moved through the delivery run. State changes go through bag-status' transitions.
import type { Pool } from '@lc/kit';
import type { Bag } from '@lc/contracts';
import { bagFrom, bagTo, type BagTransition } from '../domain/bag-status.js';
import { msCol, type Db } from './db.js';

const BAG_SELECT = `SELECT b.*, to_char(b.delivery_date, 'YYYY-MM-DD') AS date, ${['packed_at', 'dispatched_at', 'arrived_at', 'picked_up_at', 'cancelled_at'].map((c) => msCol(`b.${c}`, c)).join(', ')} FROM bags b`;

export interface NewBag {
  id: string;
  orderId: string;
  waveId: string;
  pickupPointId: string;
  deliveryDate: string;
  buyerId: string;
  skuId: string;
  qty: number;
  label: string;
  codeNonce: number;
  codeHash: string;
}

/** A bag a transition moved, with the time it moved. */
export interface MovedBag {
  id: string;
  orderId: string;
  buyerId: string;
  pickupPointId: string;
  atMs: number;
}

export class BagStore {
  /** `clock` stamps each step of a parcel (and the events saying so); tests walk days on it. */
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => number = Date.now,
  ) {}

  async byId(bagId: string): Promise<Bag | undefined> {
    const { rows } = await this.pool.query(`${BAG_SELECT} WHERE b.id = $1`, [bagId]);
    return rows[0] ? toBag(rows[0]) : undefined;
  }

  async ofWave(waveId: string): Promise<Bag[]> {
    const { rows } = await this.pool.query(`${BAG_SELECT} WHERE b.wave_id = $1`, [waveId]);
    return rows.map(toBag);
  }

  async atPickupPoint(pickupPointId: string): Promise<Bag[]> {
    const { rows } = await this.pool.query(
      `${BAG_SELECT} WHERE b.pickup_point_id = $1 AND b.status <> 'CANCELLED' ORDER BY b.delivery_date DESC, b.label LIMIT 500`,
      [pickupPointId],
    );
    return rows.map(toBag);
  }

  /** Whether the code is held at the point that day, or by a parcel there still waiting. */
  async codeTaken(db: Db, pickupPointId: string, codeHash: string, deliveryDate: string): Promise<boolean> {
    const clash = await db.query(
      `SELECT 1 FROM bags WHERE pickup_point_id = $1 AND code_hash = $2 AND (delivery_date = $3 OR status NOT IN ('PICKED_UP', 'CANCELLED'))`,
      [pickupPointId, codeHash, deliveryDate],
    );
    return (clash.rowCount ?? 0) > 0;
  }

  async insert(db: Db, b: NewBag): Promise<void> {
    await db.query(
      `INSERT INTO bags (id, order_id, wave_id, pickup_point_id, delivery_date, buyer_id, sku_id, qty, label, code_nonce, code_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [b.id, b.orderId, b.waveId, b.pickupPointId, b.deliveryDate, b.buyerId, b.skuId, b.qty, b.label, b.codeNonce, b.codeHash],
    );
  }

  /** Cancels the order's bag if the transition allows; answers whether one was cancelled. */
  async cancelOfOrder(db: Db, orderId: string): Promise<boolean> {
    const bag = await db.query(`UPDATE bags SET status = $2, cancelled_at = now() WHERE order_id = $1 AND status = ANY($3::text[]) RETURNING id`, [orderId, bagTo('cancel'), bagFrom('cancel')]);
    return (bag.rowCount ?? 0) > 0;
  }

  async pack(db: Db, bagId: string): Promise<MovedBag | undefined> {
    return (await this.move(db, 'pack', 'packed_at', 'id = $1', [bagId]))[0];
  }

  dispatchRoute(db: Db, routeId: string): Promise<MovedBag[]> {
    return this.move(db, 'dispatch', 'dispatched_at', 'route_id = $1', [routeId]);
  }

  arriveAtStop(db: Db, stopId: string): Promise<MovedBag[]> {
    return this.move(db, 'arrive', 'arrived_at', 'stop_id = $1', [stopId]);
  }

  async pickUp(db: Db, bagId: string): Promise<MovedBag | undefined> {
    return (await this.move(db, 'pickUp', 'picked_up_at', 'id = $1', [bagId]))[0];
  }

  private async move(db: Db, t: BagTransition, stampColumn: string, where: string, params: unknown[]): Promise<MovedBag[]> {
    const n = params.length;
    const { rows } = await db.query(
      `UPDATE bags SET status = $${n + 1}, ${stampColumn} = to_timestamp($${n + 3} / 1000.0) WHERE ${where} AND status = ANY($${n + 2}::text[])
       RETURNING id, order_id, buyer_id, pickup_point_id, ${msCol(stampColumn, 'at')}`,
      [...params, bagTo(t), bagFrom(t), this.clock()],
    );
    return rows.map((r) => ({ id: r.id, orderId: r.order_id, buyerId: r.buyer_id, pickupPointId: r.pickup_point_id, atMs: Number(r.at_ms) }));
  }

  async unpackedLabels(db: Db, routeId: string): Promise<string[]> {
    const { rows } = await db.query(`SELECT label FROM bags WHERE route_id = $1 AND status = 'PENDING' ORDER BY label`, [routeId]);
    return rows.map((b) => b.label);
  }

  /** The parcel holding this code at the point, the one waiting there first; locked. */
  async lockByCode(db: Db, pickupPointId: string, codeHash: string): Promise<{ id: string; orderId: string; status: string } | undefined> {
    const { rows } = await db.query(
      `SELECT id, order_id, status FROM bags WHERE pickup_point_id = $1 AND code_hash = $2 AND status <> 'CANCELLED'
       ORDER BY (status = 'READY_FOR_PICKUP') DESC, delivery_date DESC LIMIT 1 FOR UPDATE`,
      [pickupPointId, codeHash],
    );
    return rows[0] ? { id: rows[0].id, orderId: rows[0].order_id, status: rows[0].status } : undefined;
  }

  async ofBuyer(buyerId: string): Promise<{ bagId: string; orderId: string; pickupPointId: string; pickupPointName: string; deliveryDate: string; codeNonce: number; status: string }[]> {
    const { rows } = await this.pool.query(
      `SELECT b.id, b.order_id, b.pickup_point_id, b.code_nonce, b.status, to_char(b.delivery_date, 'YYYY-MM-DD') AS date, p.name
       FROM bags b JOIN pickup_points p ON p.id = b.pickup_point_id WHERE b.buyer_id = $1 AND b.status <> 'CANCELLED' ORDER BY b.delivery_date DESC LIMIT 100`,
      [buyerId],
    );
    return rows.map((r) => ({ bagId: r.id, orderId: r.order_id, pickupPointId: r.pickup_point_id, pickupPointName: r.name, deliveryDate: r.date, codeNonce: r.code_nonce, status: r.status }));
  }

  /** Routes and stops of a wave are re-planned: its bags are taken off the old ones. */
  async unassignRoutes(db: Db, waveId: string): Promise<void> {
    await db.query(`UPDATE bags SET route_id = NULL, stop_id = NULL WHERE wave_id = $1`, [waveId]);
  }

  async assignStop(db: Db, waveId: string, pickupPointId: string, routeId: string, stopId: string): Promise<void> {
    await db.query(`UPDATE bags SET route_id = $1, stop_id = $2 WHERE wave_id = $3 AND pickup_point_id = $4`, [routeId, stopId, waveId, pickupPointId]);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toBag(r: any): Bag {
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
