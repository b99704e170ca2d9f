// Postgres access for reservations, the system of record behind the Redis counters.
import { Batcher, inTransaction, type Pool } from '@lc/kit';
import type { PoolSnapshot } from './hot-pool.js';

export interface HoldRow {
  id: string;
  /** The pool the hold came from; '' for a hold at list price, taken from `skuId`'s stock. */
  flashSaleId: string;
  skuId: string;
  warehouseId: string;
  buyerId: string;
  qty: number;
  key: string;
  status: 'HELD' | 'CONFIRMED' | 'RELEASED';
  expiresAtMs: number;
}

const HOLD_COLUMNS = `id, flash_sale_id, sku_id, warehouse_id, buyer_id, qty, idempotency_key, status,
  (extract(epoch from expires_at) * 1000)::bigint AS expires_ms`;
const HOLD_SELECT = `SELECT ${HOLD_COLUMNS} FROM reservations`;

/**
 * Settling a hold moves its warehouse stock in the same statement. Sold units leave the shelf as
 * SALE movements of the stock ledger (whose trigger takes them off on_hand) and leave the
 * allocation they came from; a released list-price hold frees its units, while a released pool
 * hold goes back to its pool, which returns what it never sold when it closes.
 * Follows a CTE named `settled` returning HOLD_COLUMNS.
 */
const RESTOCK = `located AS (
  SELECT h.id, h.qty, h.status, COALESCE(h.sku_id, f.sku_id) AS sku_id, COALESCE(h.warehouse_id, f.warehouse_id) AS warehouse_id, h.sku_id IS NOT NULL AS at_list_price
  FROM settled h LEFT JOIN flash_sales f ON f.id = h.flash_sale_id),
 restocked AS (
  UPDATE stock SET allocated = stock.allocated - t.freed
  FROM (SELECT sku_id, warehouse_id, SUM(qty) FILTER (WHERE at_list_price OR status = 'CONFIRMED')::int AS freed
        FROM located GROUP BY 1, 2) t
  WHERE stock.sku_id = t.sku_id AND stock.warehouse_id = t.warehouse_id AND t.freed > 0),
 sold AS (
  INSERT INTO stock_movements (sku_id, warehouse_id, kind, qty, source_id)
  SELECT sku_id, warehouse_id, 'SALE', -qty, id FROM located WHERE status = 'CONFIRMED')`;

/** A hold from a flash-sale pool, as the hot path records it. */
export type PoolHold = Omit<HoldRow, 'status' | 'skuId' | 'warehouseId'>;

export type StockReserveResult =
  | { kind: 'RESERVED' | 'REPLAY'; hold: HoldRow }
  | { kind: 'SOLD_OUT' | 'LIMIT_REACHED' };

export class ReservationStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Records a won hold; false if the key already has a row (it won before Redis lost it). Holds
   * won together are written together, in one statement.
   */
  insertHold(hold: PoolHold): Promise<boolean> {
    return this.inserts.add(hold);
  }

  private readonly inserts = new Batcher<PoolHold, boolean>(async (holds) => {
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'insert-holds',
      text: `INSERT INTO reservations (id, flash_sale_id, buyer_id, qty, idempotency_key, status, expires_at)
       SELECT id, "flashSaleId", "buyerId", qty, key, 'HELD', to_timestamp("expiresAtMs" / 1000.0)
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "flashSaleId" uuid, "buyerId" text, qty integer, key text, "expiresAtMs" bigint)
       -- A closed pool has given its unsold units back to stock: a hold arriving later would spend
       -- a unit twice. The lock (the one the foreign key takes anyway) orders this with a close:
       -- a close skips a pool with holds in flight, and a hold waiting on a close sees it closed.
       WHERE EXISTS (SELECT 1 FROM flash_sales f WHERE f.id = x."flashSaleId" AND f.closed_at IS NULL FOR KEY SHARE)
       -- Keys in the same order in every batch: concurrent batches with twin keys wait, never deadlock.
       ORDER BY "flashSaleId", key
       ON CONFLICT (flash_sale_id, idempotency_key) DO NOTHING
       RETURNING id`,
      values: [JSON.stringify(holds)],
    });
    const written = new Set(rows.map((r) => r.id));
    return holds.map((h) => written.has(h.id));
  }, { name: 'insert holds' });

  async poolClosed(flashSaleId: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM flash_sales WHERE id = $1 AND closed_at IS NOT NULL', [flashSaleId]);
    return rows.length > 0;
  }

  async byKey(flashSaleId: string, key: string): Promise<HoldRow | undefined> {
    const { rows } = await this.pool.query(`${HOLD_SELECT} WHERE flash_sale_id = $1 AND idempotency_key = $2`, [flashSaleId, key]);
    return rows[0] ? toHold(rows[0]) : undefined;
  }

  async byId(id: string): Promise<HoldRow | undefined> {
    const { rows } = await this.pool.query(`${HOLD_SELECT} WHERE id = $1`, [id]);
    return rows[0] ? toHold(rows[0]) : undefined;
  }

  async statuses(ids: string[]): Promise<Map<string, HoldRow>> {
    const { rows } = await this.pool.query(`${HOLD_SELECT} WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id as string, toHold(r)]));
  }

  /** HELD → CONFIRMED or RELEASED; only one caller ever wins the transition. */
  async settle(id: string, to: 'CONFIRMED' | 'RELEASED', reason = ''): Promise<HoldRow | undefined> {
    const { rows } = await this.pool.query(
      `WITH settled AS (
         UPDATE reservations SET status = $2, settled_at = now(), release_reason = NULLIF($3, '')
         WHERE id = $1 AND status = 'HELD'
         RETURNING ${HOLD_COLUMNS}),
       ${RESTOCK}
       SELECT * FROM settled`,
      [id, to, reason],
    );
    return rows[0] ? toHold(rows[0]) : undefined;
  }

  /**
   * A hold at list price from the SKU's free stock (the warehouse with the most free units), within
   * the SKU's per-buyer limit and the buyer's cap on open (unpaid) list-price holds; the same key
   * returns the first hold. One transaction, serialised per buyer so a buyer's concurrent orders
   * (of one SKU or several) cannot pass either limit together.
   */
  async reserveStock(req: { holdId: string; skuId: string; buyerId: string; qty: number; key: string; perBuyerLimit: number; maxOpenHolds: number; expiresAtMs: number }): Promise<StockReserveResult> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`stock-buyer:${req.buyerId}`]);
      const first = await client.query(`${HOLD_SELECT} WHERE sku_id = $1 AND idempotency_key = $2`, [req.skuId, req.key]);
      if (first.rows[0]) return { kind: 'REPLAY', hold: toHold(first.rows[0]) };
      const { rows: [held] } = await client.query<{ n: number; open: number }>(
        `SELECT COALESCE(SUM(qty) FILTER (WHERE sku_id = $1), 0)::int AS n,
                (SELECT count(*)::int FROM reservations
                  WHERE buyer_id = $2 AND sku_id IS NOT NULL AND status = 'HELD' AND expires_at > now()) AS open
         FROM reservations WHERE sku_id = $1 AND buyer_id = $2 AND status <> 'RELEASED'`,
        [req.skuId, req.buyerId],
      );
      if (held!.n + req.qty > req.perBuyerLimit || held!.open >= req.maxOpenHolds) return { kind: 'LIMIT_REACHED' };
      // The WHERE is checked again on the locked row, so concurrent buyers never take more than is free.
      const allocated = await client.query<{ warehouse_id: string }>(
        `UPDATE stock SET allocated = allocated + $2
         WHERE sku_id = $1 AND on_hand - allocated >= $2
           AND warehouse_id = (SELECT warehouse_id FROM stock WHERE sku_id = $1 AND on_hand - allocated >= $2
                               ORDER BY on_hand - allocated DESC, warehouse_id LIMIT 1)
         RETURNING warehouse_id`,
        [req.skuId, req.qty],
      );
      const warehouseId = allocated.rows[0]?.warehouse_id;
      if (warehouseId === undefined) return { kind: 'SOLD_OUT' };
      const { rows } = await client.query(
        `INSERT INTO reservations (id, sku_id, warehouse_id, buyer_id, qty, idempotency_key, status, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'HELD', to_timestamp($7 / 1000.0)) RETURNING ${HOLD_COLUMNS}`,
        [req.holdId, req.skuId, warehouseId, req.buyerId, req.qty, req.key, req.expiresAtMs],
      );
      return { kind: 'RESERVED', hold: toHold(rows[0]) };
    });
  }

  /**
   * Decides a row's fate under its row lock, so two requests deciding about the same hold (a
   * buyer's twin taps around a Redis rebuild) see each other's outcome. `decide` runs only while
   * the row is HELD; answering 'release' marks it RELEASED. Returns the status afterwards.
   */
  async decideHeld(id: string, reason: string, decide: () => Promise<'keep' | 'release'>): Promise<HoldRow['status'] | undefined> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ status: HoldRow['status'] }>('SELECT status FROM reservations WHERE id = $1 FOR UPDATE', [id]);
      const status = rows[0]?.status;
      if (status !== 'HELD') return status;
      if ((await decide()) === 'keep') return 'HELD';
      await client.query(`UPDATE reservations SET status = 'RELEASED', settled_at = now(), release_reason = $2 WHERE id = $1`, [id, reason]);
      return 'RELEASED';
    });
  }

  /** Claims HELD rows whose expiry (plus grace) passed, marking them RELEASED. */
  async releaseExpired(graceMs: number, limit = 500): Promise<HoldRow[]> {
    const { rows } = await this.pool.query(
      `WITH settled AS (
         UPDATE reservations SET status = 'RELEASED', settled_at = now(), release_reason = 'expired'
         WHERE id IN (SELECT id FROM reservations WHERE status = 'HELD' AND expires_at < now() - make_interval(secs => $1 / 1000.0)
                      ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING ${HOLD_COLUMNS}),
       ${RESTOCK}
       SELECT * FROM settled`,
      [graceMs, limit],
    );
    return rows.map(toHold);
  }

  /**
   * Closes ended pools: the units nobody holds or bought go back to the warehouse's free stock,
   * each unit once, and a pool with no hold left waiting for payment is closed. A pool is touched
   * only `delayMs` after its end, so that a hold its Lua step won just before the end has reached
   * Postgres. The pools are locked first and counted in a second statement, which therefore sees
   * every settle that committed while it waited; a second sweeper skips pools being closed, and
   * so does a pass while a hold insert is in flight. Should a hold still arrive later, the next
   * pass takes its units back (a negative return) while the pool is open; once it is closed, the
   * hold is refused (see `inserts`).
   */
  async returnUnsold(delayMs: number): Promise<{ flashSaleId: string; units: number; closed: boolean }[]> {
    return inTransaction(this.pool, async (client) => {
      const { rows: ended } = await client.query<{ id: string }>(
        `SELECT id FROM flash_sales WHERE closed_at IS NULL AND ends_at < now() - make_interval(secs => $1 / 1000.0)
         ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED`,
        [delayMs],
      );
      if (!ended.length) return [];
      const { rows } = await client.query<{ id: string; units: number; closed: boolean }>(
        `WITH counted AS (
           SELECT f.id, f.sku_id, f.warehouse_id, f.returned,
                  f.quantity - COALESCE(SUM(r.qty) FILTER (WHERE r.status <> 'RELEASED'), 0)::int AS unsold,
                  COALESCE(SUM(r.qty) FILTER (WHERE r.status = 'HELD'), 0)::int AS held
           FROM flash_sales f LEFT JOIN reservations r ON r.flash_sale_id = f.id
           WHERE f.id = ANY($1::uuid[]) GROUP BY f.id),
         closed AS (
           UPDATE flash_sales f SET returned = c.unsold, closed_at = CASE WHEN c.held = 0 THEN now() END
           FROM counted c WHERE f.id = c.id
           RETURNING f.id, c.sku_id, c.warehouse_id, c.unsold - c.returned AS units, c.held = 0 AS closed),
         restocked AS (
           UPDATE stock s SET allocated = s.allocated - t.units
           FROM (SELECT sku_id, warehouse_id, SUM(units)::int AS units FROM closed GROUP BY 1, 2) t
           WHERE s.sku_id = t.sku_id AND s.warehouse_id = t.warehouse_id AND t.units <> 0)
         SELECT id, units, closed FROM closed`,
        [ended.map((r) => r.id)],
      );
      return rows.map((r) => ({ flashSaleId: r.id, units: r.units, closed: r.closed }));
    });
  }

  async snapshot(sale: { id: string; quantity: number; perBuyerLimit: number; startsAtMs: number; endsAtMs: number }): Promise<PoolSnapshot> {
    const { rows } = await this.pool.query(`${HOLD_SELECT} WHERE flash_sale_id = $1 AND status <> 'RELEASED'`, [sale.id]);
    return {
      quantity: sale.quantity,
      limit: sale.perBuyerLimit,
      startsAtMs: sale.startsAtMs,
      endsAtMs: sale.endsAtMs,
      holds: rows.map(toHold).map((h) => ({ holdId: h.id, buyerId: h.buyerId, qty: h.qty, key: h.key, expiresAtMs: h.expiresAtMs, status: h.status as 'HELD' | 'CONFIRMED' })),
    };
  }

  async counts(flashSaleId: string): Promise<{ held: number; sold: number }> {
    const { rows } = await this.pool.query<{ held: number; sold: number }>(
      `SELECT COALESCE(SUM(qty) FILTER (WHERE status = 'HELD'), 0)::int AS held,
              COALESCE(SUM(qty) FILTER (WHERE status = 'CONFIRMED'), 0)::int AS sold
       FROM reservations WHERE flash_sale_id = $1`,
      [flashSaleId],
    );
    return rows[0] ?? { held: 0, sold: 0 };
  }

}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toHold(r: any): HoldRow {
  return {
    id: r.id,
    flashSaleId: r.flash_sale_id ?? '',
    skuId: r.sku_id ?? '',
    warehouseId: r.warehouse_id ?? '',
    buyerId: r.buyer_id,
    qty: r.qty,
    key: r.idempotency_key,
    status: r.status,
    expiresAtMs: Number(r.expires_ms),
  };
}
