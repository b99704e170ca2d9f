// Where withdrawals are paid out. The sandbox pays every request into its own book (a table), so
// reconciliation can hold the ledger against what the provider says it paid; a real provider
// (bank transfer, WeChat Pay) implements the same interface.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export interface PayoutRequest {
  /** The idempotency key at the provider: the same withdrawal is paid at most once. */
  withdrawalId: string;
  leaderId: string;
  amountFen: number;
}

export type PayoutResult = { ok: true; reference: string } | { ok: false; reason: string };

export interface PayoutProvider {
  readonly name: string;
  payout(request: PayoutRequest): Promise<PayoutResult>;
  /** What the provider paid, per leader (for reconciliation). */
  paidTotals(): Promise<Map<string, { amountFen: number; count: number }>>;
}

export class SandboxPayoutProvider implements PayoutProvider {
  readonly name = 'sandbox';

  constructor(private readonly db: Db) {}

  async payout(r: PayoutRequest): Promise<PayoutResult> {
    if (!Number.isSafeInteger(r.amountFen) || r.amountFen <= 0) return { ok: false, reason: 'amount must be a positive number of fen' };
    await this.db.query(
      `INSERT INTO sandbox_payouts (withdrawal_id, leader_id, amount_fen, reference) VALUES ($1, $2, $3, $4) ON CONFLICT (withdrawal_id) DO NOTHING`,
      [r.withdrawalId, r.leaderId, r.amountFen, `sandbox-${randomUUID()}`],
    );
    const { rows } = await this.db.query<{ reference: string; amount_fen: string }>('SELECT reference, amount_fen FROM sandbox_payouts WHERE withdrawal_id = $1', [r.withdrawalId]);
    if (Number(rows[0]!.amount_fen) !== r.amountFen) return { ok: false, reason: 'this withdrawal was paid with another amount' };
    return { ok: true, reference: rows[0]!.reference };
  }

  async paidTotals(): Promise<Map<string, { amountFen: number; count: number }>> {
    const { rows } = await this.db.query<{ leader_id: string; total: string; n: string }>('SELECT leader_id, SUM(amount_fen)::bigint AS total, count(*) AS n FROM sandbox_payouts GROUP BY leader_id');
    return new Map(rows.map((r) => [r.leader_id, { amountFen: Number(r.total), count: Number(r.n) }]));
  }
}
