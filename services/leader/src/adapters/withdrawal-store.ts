// Postgres access for withdrawals.
import type { Db } from './db.js';

export interface WithdrawalRow {
  id: string;
  leaderId: string;
  idempotencyKey: string;
  amountFen: number;
  status: 'REQUESTED' | 'PAID' | 'FAILED';
  provider: string;
  providerRef: string;
  failure: string;
  requestedAtMs: number;
  completedAtMs: number | null;
}

const SELECT = `SELECT id, leader_id, idempotency_key, amount_fen, status, provider, provider_ref, failure,
  (extract(epoch from requested_at) * 1000)::bigint AS requested_ms, (extract(epoch from completed_at) * 1000)::bigint AS completed_ms FROM withdrawals`;

const toWithdrawal = (r: Record<string, unknown>): WithdrawalRow => ({
  id: r.id as string,
  leaderId: r.leader_id as string,
  idempotencyKey: r.idempotency_key as string,
  amountFen: Number(r.amount_fen),
  status: r.status as WithdrawalRow['status'],
  provider: r.provider as string,
  providerRef: r.provider_ref as string,
  failure: r.failure as string,
  requestedAtMs: Number(r.requested_ms),
  completedAtMs: r.completed_ms === null ? null : Number(r.completed_ms),
});

export class WithdrawalStore {
  constructor(private readonly db: Db) {}

  async byKey(leaderId: string, key: string, db: Db = this.db): Promise<WithdrawalRow | undefined> {
    const { rows } = await db.query(`${SELECT} WHERE leader_id = $1 AND idempotency_key = $2`, [leaderId, key]);
    return rows[0] ? toWithdrawal(rows[0]) : undefined;
  }

  async insert(w: WithdrawalRow, db: Db): Promise<void> {
    await db.query(
      `INSERT INTO withdrawals (id, leader_id, idempotency_key, amount_fen, status, provider, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0))`,
      [w.id, w.leaderId, w.idempotencyKey, w.amountFen, w.status, w.provider, w.requestedAtMs],
    );
  }

  async complete(id: string, status: 'PAID' | 'FAILED', providerRef: string, failure: string, atMs: number, db: Db): Promise<void> {
    await db.query(`UPDATE withdrawals SET status = $2, provider_ref = $3, failure = $4, completed_at = to_timestamp($5 / 1000.0) WHERE id = $1 AND status = 'REQUESTED'`, [
      id,
      status,
      providerRef,
      failure,
      atMs,
    ]);
  }

  async list(leaderId: string, limit: number, db: Db = this.db): Promise<WithdrawalRow[]> {
    const { rows } = await db.query(`${SELECT} WHERE leader_id = $1 ORDER BY requested_at DESC, id LIMIT $2`, [leaderId, limit]);
    return rows.map(toWithdrawal);
  }

  /** Per leader and status: totals, for reconciliation. */
  async totals(db: Db = this.db): Promise<{ leaderId: string; status: string; amountFen: number; count: number }[]> {
    const { rows } = await db.query<{ leader_id: string; status: string; total: string; n: string }>(
      'SELECT leader_id, status, SUM(amount_fen)::bigint AS total, count(*) AS n FROM withdrawals GROUP BY leader_id, status',
    );
    return rows.map((r) => ({ leaderId: r.leader_id, status: r.status, amountFen: Number(r.total), count: Number(r.n) }));
  }
}
