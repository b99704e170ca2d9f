// Postgres access for the commission ledger: the orders it follows and its append-only entries.
import type { EntryKind } from '../domain/accounts.js';
import type { Db } from './db.js';

export interface OrderCommissionRow {
  orderId: string;
  leaderId: string;
  buyerId: string;
  skuId: string;
  category: string;
  tier: string;
  rateBp: number;
  totalFen: number;
  commissionFen: number;
  paidAtMs: number;
  paidDate: string;
  pickedUpAtMs: number | null;
  refundedFen: number;
  clawedFen: number;
}

export interface NewEntry {
  leaderId: string;
  kind: EntryKind;
  sourceEvent: string;
  orderId: string | null;
  debit: string;
  credit: string;
  amountFen: number;
  effectiveAtMs: number;
  localDate: string;
}

export interface EntryRow extends NewEntry {
  id: number;
  recordedAtMs: number;
}

const ms = (col: string, as: string) => `(extract(epoch from ${col}) * 1000)::bigint AS ${as}`;

const COMMISSION_SELECT = `SELECT order_id, leader_id, buyer_id, sku_id, category, tier, rate_bp, total_fen, commission_fen,
  ${ms('paid_at', 'paid_ms')}, to_char(paid_date, 'YYYY-MM-DD') AS paid_date, ${ms('picked_up_at', 'picked_ms')}, refunded_fen, clawed_fen
  FROM order_commissions`;

const toCommission = (r: Record<string, unknown>): OrderCommissionRow => ({
  orderId: r.order_id as string,
  leaderId: r.leader_id as string,
  buyerId: r.buyer_id as string,
  skuId: r.sku_id as string,
  category: r.category as string,
  tier: r.tier as string,
  rateBp: Number(r.rate_bp),
  totalFen: Number(r.total_fen),
  commissionFen: Number(r.commission_fen),
  paidAtMs: Number(r.paid_ms),
  paidDate: r.paid_date as string,
  pickedUpAtMs: r.picked_ms === null ? null : Number(r.picked_ms),
  refundedFen: Number(r.refunded_fen),
  clawedFen: Number(r.clawed_fen),
});

export const ENTRY_SELECT = `SELECT id, leader_id, kind, source_event, order_id, debit_account, credit_account, amount_fen,
  ${ms('effective_at', 'effective_ms')}, to_char(local_date, 'YYYY-MM-DD') AS local_date, ${ms('recorded_at', 'recorded_ms')}
  FROM ledger_entries`;

export const toEntry = (r: Record<string, unknown>): EntryRow => ({
  id: Number(r.id),
  leaderId: r.leader_id as string,
  kind: r.kind as EntryKind,
  sourceEvent: r.source_event as string,
  orderId: (r.order_id as string | null) ?? null,
  debit: r.debit_account as string,
  credit: r.credit_account as string,
  amountFen: Number(r.amount_fen),
  effectiveAtMs: Number(r.effective_ms),
  localDate: r.local_date as string,
  recordedAtMs: Number(r.recorded_ms),
});

export class LedgerStore {
  constructor(private readonly db: Db) {}

  /** Records orders' commissions in one statement; returns the ids newly recorded (not replays). */
  async addCommissions(rows: Omit<OrderCommissionRow, 'pickedUpAtMs' | 'refundedFen' | 'clawedFen'>[], db: Db): Promise<string[]> {
    if (!rows.length) return [];
    const { rows: added } = await db.query<{ order_id: string }>(
      `INSERT INTO order_commissions (order_id, leader_id, buyer_id, sku_id, category, tier, rate_bp, total_fen, commission_fen, paid_at, paid_date)
       SELECT "orderId", "leaderId", "buyerId", "skuId", category, tier, "rateBp", "totalFen", "commissionFen", to_timestamp("paidAtMs" / 1000.0), "paidDate"
       FROM jsonb_to_recordset($1::jsonb) AS x("orderId" text, "leaderId" text, "buyerId" text, "skuId" text, category text, tier text, "rateBp" integer,
         "totalFen" bigint, "commissionFen" bigint, "paidAtMs" bigint, "paidDate" date)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [JSON.stringify(rows)],
    );
    return added.map((r) => r.order_id);
  }

  /** Appends entries in one statement; those already in the ledger (by source event and kind) are skipped. */
  async appendMany(entries: NewEntry[], db: Db): Promise<void> {
    if (!entries.length) return;
    await db.query(
      `INSERT INTO ledger_entries (leader_id, kind, source_event, order_id, debit_account, credit_account, amount_fen, effective_at, local_date)
       SELECT "leaderId", kind, "sourceEvent", "orderId", debit, credit, "amountFen", to_timestamp("effectiveAtMs" / 1000.0), "localDate"
       FROM jsonb_to_recordset($1::jsonb) AS x("leaderId" text, kind text, "sourceEvent" text, "orderId" text, debit text, credit text,
         "amountFen" bigint, "effectiveAtMs" bigint, "localDate" date)
       ON CONFLICT (source_event, kind) DO NOTHING`,
      [JSON.stringify(entries)],
    );
  }

  /** The order's commission, locked for the rest of the transaction. */
  async commissionForUpdate(orderId: string, db: Db): Promise<OrderCommissionRow | undefined> {
    const { rows } = await db.query(`${COMMISSION_SELECT} WHERE order_id = $1 FOR UPDATE`, [orderId]);
    return rows[0] ? toCommission(rows[0]) : undefined;
  }

  async commission(orderId: string, db: Db = this.db): Promise<OrderCommissionRow | undefined> {
    const { rows } = await db.query(`${COMMISSION_SELECT} WHERE order_id = $1`, [orderId]);
    return rows[0] ? toCommission(rows[0]) : undefined;
  }

  async markPickedUp(orderId: string, atMs: number, db: Db): Promise<void> {
    await db.query('UPDATE order_commissions SET picked_up_at = to_timestamp($2 / 1000.0) WHERE order_id = $1', [orderId, atMs]);
  }

  async markRefunded(orderId: string, refundedFen: number, clawedFen: number, db: Db): Promise<void> {
    await db.query('UPDATE order_commissions SET refunded_fen = $2, clawed_fen = $3 WHERE order_id = $1', [orderId, refundedFen, clawedFen]);
  }

  /** Appends an entry; undefined when its (source event, kind) is already in the ledger. */
  async append(e: NewEntry, db: Db = this.db): Promise<number | undefined> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO ledger_entries (leader_id, kind, source_event, order_id, debit_account, credit_account, amount_fen, effective_at, local_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), $9) ON CONFLICT (source_event, kind) DO NOTHING RETURNING id`,
      [e.leaderId, e.kind, e.sourceEvent, e.orderId, e.debit, e.credit, e.amountFen, e.effectiveAtMs, e.localDate],
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  /** Balance (credits − debits) of every account a leader's entries touch, plus the platform's. */
  async balances(accounts: string[], db: Db = this.db): Promise<Map<string, number>> {
    const { rows } = await db.query<{ account: string; balance: string }>(
      `SELECT account, SUM(amount)::bigint AS balance FROM (
         SELECT credit_account AS account, amount_fen AS amount FROM ledger_entries WHERE credit_account = ANY($1::text[])
         UNION ALL
         SELECT debit_account, -amount_fen FROM ledger_entries WHERE debit_account = ANY($1::text[])) m
       GROUP BY account`,
      [accounts],
    );
    const out = new Map(accounts.map((a) => [a, 0]));
    for (const r of rows) out.set(r.account, Number(r.balance));
    return out;
  }

  /** Every account's balance over the whole ledger. */
  async allBalances(db: Db = this.db): Promise<Map<string, number>> {
    const { rows } = await db.query<{ account: string; balance: string }>(
      `SELECT account, SUM(amount)::bigint AS balance FROM (
         SELECT credit_account AS account, amount_fen AS amount FROM ledger_entries
         UNION ALL SELECT debit_account, -amount_fen FROM ledger_entries) m GROUP BY account`,
    );
    return new Map(rows.map((r) => [r.account, Number(r.balance)]));
  }

  async entries(leaderId: string, opts: { beforeId?: number; limit: number }, db: Db = this.db): Promise<EntryRow[]> {
    const { rows } = await db.query(`${ENTRY_SELECT} WHERE leader_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`, [
      leaderId,
      opts.beforeId ?? null,
      opts.limit,
    ]);
    return rows.map(toEntry);
  }

  /** Sums of entries per kind (all leaders), for reconciliation. */
  async totalsByKind(db: Db = this.db): Promise<Map<string, number>> {
    const { rows } = await db.query<{ kind: string; total: string }>('SELECT kind, SUM(amount_fen)::bigint AS total FROM ledger_entries GROUP BY kind');
    return new Map(rows.map((r) => [r.kind, Number(r.total)]));
  }

  async leadersWithEntries(db: Db = this.db): Promise<string[]> {
    const { rows } = await db.query<{ leader_id: string }>('SELECT DISTINCT leader_id FROM ledger_entries ORDER BY leader_id');
    return rows.map((r) => r.leader_id);
  }
}
