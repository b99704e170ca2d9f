// Postgres access for tiers (with the evaluations that set them), ratings, and the month's
// figures a tier is judged on.
import type { Db } from './db.js';

export interface TierEvaluationRow {
  id: string;
  leaderId: string;
  month: string;
  trigger: 'monthly' | 'admin';
  evaluatedAtMs: number;
  effectiveDate: string;
  tierBefore: string;
  tierAfter: string;
  reason: string;
  figures: Record<string, unknown>;
}

const toEvaluation = (r: Record<string, unknown>): TierEvaluationRow => ({
  id: r.id as string,
  leaderId: r.leader_id as string,
  month: r.month as string,
  trigger: r.trigger as 'monthly' | 'admin',
  evaluatedAtMs: Number(r.evaluated_ms),
  effectiveDate: r.effective as string,
  tierBefore: r.tier_before as string,
  tierAfter: r.tier_after as string,
  reason: r.reason as string,
  figures: r.figures as Record<string, unknown>,
});

export class TierStore {
  constructor(private readonly db: Db) {}

  /** The tier in force on a local date: the latest change effective by then, NEW before any. */
  async tierAt(leaderId: string, date: string, db: Db = this.db): Promise<string> {
    const { rows } = await db.query<{ tier: string }>(
      'SELECT tier FROM leader_tiers WHERE leader_id = $1 AND effective_date <= $2 ORDER BY effective_date DESC LIMIT 1',
      [leaderId, date],
    );
    return rows[0]?.tier ?? 'NEW';
  }

  /** The tier in force for each (leader, local date), keyed "leader|date"; absent means NEW. */
  async tiersAt(asks: { leaderId: string; date: string }[], db: Db = this.db): Promise<Map<string, string>> {
    const { rows } = await db.query<{ leader_id: string; d: string; tier: string }>(
      `SELECT x."leaderId" AS leader_id, x.date AS d, t.tier
       FROM (SELECT DISTINCT * FROM jsonb_to_recordset($1::jsonb) AS r("leaderId" text, date text)) x
       JOIN LATERAL (SELECT tier FROM leader_tiers lt WHERE lt.leader_id = x."leaderId" AND lt.effective_date <= x.date::date
                     ORDER BY lt.effective_date DESC LIMIT 1) t ON true`,
      [JSON.stringify(asks)],
    );
    return new Map(rows.map((r) => [`${r.leader_id}|${r.d}`, r.tier]));
  }

  async hasMonthly(leaderId: string, month: string, db: Db = this.db): Promise<boolean> {
    const { rows } = await db.query("SELECT 1 FROM tier_evaluations WHERE leader_id = $1 AND month = $2 AND trigger = 'monthly'", [leaderId, month]);
    return rows.length > 0;
  }

  /** Records an evaluation, and the tier from its effective date when it changes; false if a monthly one was already there. */
  async record(e: TierEvaluationRow, db: Db): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO tier_evaluations (id, leader_id, month, trigger, evaluated_at, effective_date, tier_before, tier_after, reason, figures)
       VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000.0), $6, $7, $8, $9, $10)
       ON CONFLICT (leader_id, month) WHERE trigger = 'monthly' DO NOTHING`,
      [e.id, e.leaderId, e.month, e.trigger, e.evaluatedAtMs, e.effectiveDate, e.tierBefore, e.tierAfter, e.reason, JSON.stringify(e.figures)],
    );
    if (rowCount !== 1) return false;
    if (e.tierAfter !== e.tierBefore) {
      await db.query(
        `INSERT INTO leader_tiers (leader_id, effective_date, tier, evaluation_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (leader_id, effective_date) DO UPDATE SET tier = EXCLUDED.tier, evaluation_id = EXCLUDED.evaluation_id`,
        [e.leaderId, e.effectiveDate, e.tierAfter, e.id],
      );
    }
    return true;
  }

  async evaluations(leaderId: string, limit = 24, db: Db = this.db): Promise<TierEvaluationRow[]> {
    const { rows } = await db.query(
      `SELECT id, leader_id, month, trigger, (extract(epoch from evaluated_at) * 1000)::bigint AS evaluated_ms,
         to_char(effective_date, 'YYYY-MM-DD') AS effective, tier_before, tier_after, reason, figures
       FROM tier_evaluations WHERE leader_id = $1 ORDER BY evaluated_at DESC, id LIMIT $2`,
      [leaderId, limit],
    );
    return rows.map(toEvaluation);
  }

  /**
   * A month's sales (paid orders' totals net of their refunds), orders and buyers, and how many of
   * those buyers ordered at least twice in the 30 local days ending on `trailingEnd`.
   */
  async monthFigures(leaderId: string, first: string, last: string, trailingEnd: string, db: Db = this.db) {
    const { rows } = await db.query<{ sales: string; orders: string; buyers: string; repeat_buyers: string }>(
      `WITH month AS (
         SELECT buyer_id, total_fen - refunded_fen AS net FROM order_commissions
         WHERE leader_id = $1 AND paid_date BETWEEN $2 AND $3),
       repeaters AS (
         SELECT buyer_id FROM order_commissions
         WHERE leader_id = $1 AND paid_date > $4::date - 30 AND paid_date <= $4::date
         GROUP BY buyer_id HAVING count(*) >= 2)
       SELECT COALESCE(SUM(net), 0)::bigint AS sales, count(*) AS orders, count(DISTINCT buyer_id) AS buyers,
         (SELECT count(DISTINCT m.buyer_id) FROM month m JOIN repeaters t USING (buyer_id)) AS repeat_buyers
       FROM month`,
      [leaderId, first, last, trailingEnd],
    );
    const r = rows[0]!;
    return { salesFen: Number(r.sales), orders: Number(r.orders), buyers: Number(r.buyers), repeatBuyers: Number(r.repeat_buyers) };
  }

  async ratingScores(leaderId: string, first: string, last: string, db: Db = this.db): Promise<number[]> {
    const { rows } = await db.query<{ score: number }>('SELECT score FROM ratings WHERE leader_id = $1 AND rated_date BETWEEN $2 AND $3', [leaderId, first, last]);
    return rows.map((r) => Number(r.score));
  }

  /** A buyer's rating of their leader for a collected order; false when the order was rated already. */
  async addRating(r: { orderId: string; leaderId: string; buyerId: string; score: number; comment: string; atMs: number; date: string }, db: Db = this.db): Promise<boolean> {
    const { rowCount } = await db.query(
      `INSERT INTO ratings (order_id, leader_id, buyer_id, score, comment, rated_at, rated_date)
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7) ON CONFLICT (order_id) DO NOTHING`,
      [r.orderId, r.leaderId, r.buyerId, r.score, r.comment, r.atMs, r.date],
    );
    return rowCount === 1;
  }
}
