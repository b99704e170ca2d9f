// Postgres access for the dashboard's read model (dashboard_orders, dashboard_refunds) and the
// commission ledger's entries by local date. Local dates become instants in the leader's zone
// here: `date::timestamp AT TIME ZONE zone` is that date's local midnight.
import { Batcher } from '@lc/kit';
import type { Db } from './db.js';

const BOUNDS = `bounds AS (SELECT ($2::date)::timestamp AT TIME ZONE $4 AS from_t, ($3::date + 1)::timestamp AT TIME ZONE $4 AS to_t,
  ($3::date - 29)::timestamp AT TIME ZONE $4 AS trailing_t)`;

export interface DashboardOrder {
  orderId: string;
  leaderId: string;
  buyerId: string;
  skuId: string;
  qty: number;
  totalFen: number;
  paidAtMs: number;
}

export interface PeriodFigures {
  gmvFen: number;
  refundedFen: number;
  orders: number;
  units: number;
  buyers: number;
  newCustomers: number;
  repeatBuyers: number;
}

export class DashboardStore {
  constructor(private readonly db: Db) {}

  /** A paid order; false when it was recorded already (a replay). */
  addOrder(o: DashboardOrder): Promise<boolean> {
    return this.orders.add(o);
  }

  // A flash sale's paid orders arrive in a burst: they are written together, one statement per
  // batch, as the ledger accrues them, so the read model keeps pace with the ledger.
  private readonly orders = new Batcher<DashboardOrder, boolean>(
    async (orders) => {
      const { rows } = await this.db.query<{ order_id: string }>(
        `INSERT INTO dashboard_orders (order_id, leader_id, buyer_id, sku_id, qty, total_fen, paid_at)
         SELECT "orderId", "leaderId", "buyerId", "skuId", qty, "totalFen", to_timestamp("paidAtMs" / 1000.0)
         FROM jsonb_to_recordset($1::jsonb) AS x("orderId" text, "leaderId" text, "buyerId" text, "skuId" text, qty integer, "totalFen" bigint, "paidAtMs" bigint)
         ORDER BY "orderId"
         ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
        [JSON.stringify(orders)],
      );
      const added = new Set(rows.map((r) => r.order_id));
      // A twin in the same batch is a replay: only its first copy counts as added.
      return orders.map((o) => added.delete(o.orderId));
    },
    { name: 'dashboard orders', maxBatch: 500, maxInFlight: 4 },
  );

  async addRefund(r: { sourceEvent: string; orderId: string; leaderId: string; refundFen: number; atMs: number }): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `INSERT INTO dashboard_refunds (source_event, order_id, leader_id, refund_fen, refunded_at)
       VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0)) ON CONFLICT (source_event) DO NOTHING`,
      [r.sourceEvent, r.orderId, r.leaderId, r.refundFen, r.atMs],
    );
    return rowCount === 1;
  }

  /**
   * A period's sales, orders, buyers, new customers (first order with this leader in the period)
   * and repeat buyers (of the period's buyers, those with two or more orders in the 30 local days
   * ending on `last`, as the tiers count them).
   */
  async period(leaderId: string, zone: string, first: string, last: string): Promise<PeriodFigures> {
    const { rows } = await this.db.query(
      `WITH ${BOUNDS},
       p AS (SELECT o.* FROM dashboard_orders o, bounds b WHERE o.leader_id = $1 AND o.paid_at >= b.from_t AND o.paid_at < b.to_t),
       repeaters AS (SELECT o.buyer_id FROM dashboard_orders o, bounds b WHERE o.leader_id = $1 AND o.paid_at >= b.trailing_t AND o.paid_at < b.to_t
                     GROUP BY o.buyer_id HAVING count(*) >= 2)
       SELECT COALESCE(SUM(total_fen), 0)::bigint AS gmv, count(*)::int AS orders, COALESCE(SUM(qty), 0)::int AS units, count(DISTINCT buyer_id)::int AS buyers,
         (SELECT count(*)::int FROM (SELECT buyer_id, MIN(paid_at) AS first_at FROM dashboard_orders WHERE leader_id = $1 GROUP BY buyer_id) f, bounds b
            WHERE f.first_at >= b.from_t AND f.first_at < b.to_t) AS new_customers,
         (SELECT count(DISTINCT p.buyer_id)::int FROM p JOIN repeaters USING (buyer_id)) AS repeat_buyers,
         (SELECT COALESCE(SUM(r.refund_fen), 0)::bigint FROM dashboard_refunds r, bounds b
            WHERE r.leader_id = $1 AND r.refunded_at >= b.from_t AND r.refunded_at < b.to_t) AS refunded
       FROM p`,
      [leaderId, first, last, zone],
    );
    const r = rows[0];
    return {
      gmvFen: Number(r.gmv),
      refundedFen: Number(r.refunded),
      orders: r.orders,
      units: r.units,
      buyers: r.buyers,
      newCustomers: r.new_customers,
      repeatBuyers: r.repeat_buyers,
    };
  }

  /** Sales per local date from `first` to `last` (dates without sales are absent). */
  async daily(leaderId: string, zone: string, first: string, last: string): Promise<Map<string, { gmvFen: number; orders: number }>> {
    const { rows } = await this.db.query(
      `WITH ${BOUNDS}
       SELECT to_char((o.paid_at AT TIME ZONE $4)::date, 'YYYY-MM-DD') AS day, SUM(o.total_fen)::bigint AS gmv, count(*)::int AS orders
       FROM dashboard_orders o, bounds b WHERE o.leader_id = $1 AND o.paid_at >= b.from_t AND o.paid_at < b.to_t GROUP BY 1`,
      [leaderId, first, last, zone],
    );
    return new Map(rows.map((r) => [r.day as string, { gmvFen: Number(r.gmv), orders: r.orders as number }]));
  }

  /** Units and sales of each SKU sold from `since` on, counted from `first` to `last`. */
  async skuSales(leaderId: string, zone: string, first: string, last: string, since: string): Promise<{ skuId: string; units: number; gmvFen: number }[]> {
    const { rows } = await this.db.query(
      `WITH ${BOUNDS}
       SELECT o.sku_id, (COALESCE(SUM(o.qty) FILTER (WHERE o.paid_at >= b.from_t), 0))::int AS units,
              (COALESCE(SUM(o.total_fen) FILTER (WHERE o.paid_at >= b.from_t), 0))::bigint AS gmv
       FROM dashboard_orders o, bounds b
       WHERE o.leader_id = $1 AND o.paid_at >= ($5::date)::timestamp AT TIME ZONE $4 AND o.paid_at < b.to_t GROUP BY o.sku_id`,
      [leaderId, first, last, zone, since],
    );
    return rows.map((r) => ({ skuId: r.sku_id, units: r.units, gmvFen: Number(r.gmv) }));
  }

  /** The commission ledger's movements of the leader dated (local dates) in the period, by kind. */
  async commissionByKind(leaderId: string, first: string, last: string): Promise<Map<string, number>> {
    const { rows } = await this.db.query(
      `SELECT kind, SUM(amount_fen)::bigint AS amount FROM ledger_entries
       WHERE leader_id = $1 AND local_date BETWEEN $2 AND $3 AND kind IN ('ACCRUE', 'CONFIRM', 'SETTLE', 'CLAWBACK') GROUP BY kind`,
      [leaderId, first, last],
    );
    return new Map(rows.map((r) => [r.kind as string, Number(r.amount)]));
  }
}
