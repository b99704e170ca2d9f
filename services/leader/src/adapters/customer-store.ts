// Postgres access for a leader's customers. Each event is applied in one statement together with
// its key, so an event seen again (redelivery, replay) finds its key and changes nothing.
import type { Db } from './db.js';

export interface CustomerRow {
  buyerId: string;
  firstOrderAtMs: number;
  lastOrderAtMs: number;
  orders: number;
  spendFen: number;
}

export class CustomerStore {
  constructor(private readonly db: Db) {}

  /** A paid order: one more order, its total spent, first/last order moved to include it. */
  async addPaidOrder(eventKey: string, o: { leaderId: string; buyerId: string; atMs: number; totalFen: number }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `WITH fresh AS (INSERT INTO leader_customer_events (event_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO leader_customers AS c (leader_id, buyer_id, first_order_at, last_order_at, orders, spend_fen)
       SELECT $2, $3, to_timestamp($4 / 1000.0), to_timestamp($4 / 1000.0), 1, $5 FROM fresh
       ON CONFLICT (leader_id, buyer_id) DO UPDATE SET
         first_order_at = LEAST(c.first_order_at, EXCLUDED.first_order_at),
         last_order_at = GREATEST(c.last_order_at, EXCLUDED.last_order_at),
         orders = c.orders + 1,
         spend_fen = c.spend_fen + EXCLUDED.spend_fen`,
      [eventKey, o.leaderId, o.buyerId, o.atMs, o.totalFen],
    );
    return (rowCount ?? 0) > 0;
  }

  /** A refund: the spend goes down by what was given back (never below nothing). */
  async subtractRefund(eventKey: string, r: { leaderId: string; buyerId: string; refundFen: number }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `WITH fresh AS (INSERT INTO leader_customer_events (event_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1)
       UPDATE leader_customers SET spend_fen = GREATEST(0, spend_fen - $4)
       WHERE leader_id = $2 AND buyer_id = $3 AND EXISTS (SELECT 1 FROM fresh)`,
      [eventKey, r.leaderId, r.buyerId, r.refundFen],
    );
    return (rowCount ?? 0) > 0;
  }

  /** One page, the most recent last order first, with the totals across every page. */
  async page(leaderId: string, offset: number, limit: number): Promise<{ customers: CustomerRow[]; total: number; repurchased: number }> {
    const [list, totals] = await Promise.all([
      this.db.query<{ buyer_id: string; first_ms: string; last_ms: string; orders: number; spend_fen: string }>(
        `SELECT buyer_id, (extract(epoch from first_order_at) * 1000)::bigint AS first_ms, (extract(epoch from last_order_at) * 1000)::bigint AS last_ms,
                orders, spend_fen
         FROM leader_customers WHERE leader_id = $1 ORDER BY last_order_at DESC, buyer_id LIMIT $2 OFFSET $3`,
        [leaderId, limit, offset],
      ),
      this.db.query<{ total: number; repurchased: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE orders >= 2)::int AS repurchased FROM leader_customers WHERE leader_id = $1`,
        [leaderId],
      ),
    ]);
    return {
      customers: list.rows.map((r) => ({ buyerId: r.buyer_id, firstOrderAtMs: Number(r.first_ms), lastOrderAtMs: Number(r.last_ms), orders: r.orders, spendFen: Number(r.spend_fen) })),
      total: totals.rows[0]!.total,
      repurchased: totals.rows[0]!.repurchased,
    };
  }
}
