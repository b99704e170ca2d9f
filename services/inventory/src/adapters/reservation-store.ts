// Postgres access for reservations, the system of record behind the Redis counters.
import { Batcher, inTransaction, type Pool } from '@lc/kit';
import type { PoolSnapshot } from './hot-pool.js';

export interface HoldRow {
  id: string;
  flashSaleId: string;
  buyerId: string;
  qty: number;
  key: string;
  status: 'HELD' | 'CONFIRMED' | 'RELEASED';
  expiresAtMs: number;
}

const HOLD_SELECT = `SELECT id, flash_sale_id, buyer_id, qty, idempotency_key, status,
  (extract(epoch from expires_at) * 1000)::bigint AS expires_ms FROM reservations`;

export class ReservationStore {
  constructor(private readonly pool: Pool) {}

  /**
   * Records a won hold; false if the key already has a row (it won before Redis lost it). Holds
   * won together are written together, in one statement.
   */
  insertHold(hold: Omit<HoldRow, 'status'>): Promise<boolean> {
    return this.inserts.add(hold);
  }

  private readonly inserts = new Batcher<Omit<HoldRow, 'status'>, boolean>(async (holds) => {
    const { rows } = await this.pool.query<{ id: string }>(
      `INSERT INTO reservations (id, flash_sale_id, buyer_id, qty, idempotency_key, status, expires_at)
       SELECT id, "flashSaleId", "buyerId", qty, key, 'HELD', to_timestamp("expiresAtMs" / 1000.0)
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "flashSaleId" uuid, "buyerId" text, qty integer, key text, "expiresAtMs" bigint)
       -- Keys in the same order in every batch: concurrent batches with twin keys wait, never deadlock.
       ORDER BY "flashSaleId", key
       ON CONFLICT (flash_sale_id, idempotency_key) DO NOTHING
       RETURNING id`,
      [JSON.stringify(holds)],
    );
    const written = new Set(rows.map((r) => r.id));
    return holds.map((h) => written.has(h.id));
  }, { name: 'insert holds' });

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
      `UPDATE reservations SET status = $2, settled_at = now(), release_reason = NULLIF($3, '')
       WHERE id = $1 AND status = 'HELD'
       RETURNING id, flash_sale_id, buyer_id, qty, idempotency_key, status, (extract(epoch from expires_at) * 1000)::bigint AS expires_ms`,
      [id, to, reason],
    );
    return rows[0] ? toHold(rows[0]) : undefined;
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
      `UPDATE reservations SET status = 'RELEASED', settled_at = now(), release_reason = 'expired'
       WHERE id IN (SELECT id FROM reservations WHERE status = 'HELD' AND expires_at < now() - make_interval(secs => $1 / 1000.0)
                    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, flash_sale_id, buyer_id, qty, idempotency_key, status, (extract(epoch from expires_at) * 1000)::bigint AS expires_ms`,
      [graceMs, limit],
    );
    return rows.map(toHold);
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
    flashSaleId: r.flash_sale_id,
    buyerId: r.buyer_id,
    qty: r.qty,
    key: r.idempotency_key,
    status: r.status,
    expiresAtMs: Number(r.expires_ms),
  };
}
