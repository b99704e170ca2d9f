// Postgres access for T+1 statements and their lines: the confirmations and clawbacks of the
// confirmed account (its SETTLE entries are the statements themselves, never lines).
import type { Db } from './db.js';
import { ENTRY_SELECT, toEntry, type EntryRow } from './ledger-store.js';

export interface StatementRow {
  id: string;
  leaderId: string;
  statementDate: string;
  zone: string;
  confirmedFen: number;
  clawbackFen: number;
  netFen: number;
  lineCount: number;
  settledAtMs: number;
}

const SELECT = `SELECT id, leader_id, to_char(statement_date, 'YYYY-MM-DD') AS statement_date, zone, confirmed_fen, clawback_fen, net_fen,
  line_count, (extract(epoch from settled_at) * 1000)::bigint AS settled_ms FROM statements`;

const toStatement = (r: Record<string, unknown>): StatementRow => ({
  id: r.id as string,
  leaderId: r.leader_id as string,
  statementDate: r.statement_date as string,
  zone: r.zone as string,
  confirmedFen: Number(r.confirmed_fen),
  clawbackFen: Number(r.clawback_fen),
  netFen: Number(r.net_fen),
  lineCount: Number(r.line_count),
  settledAtMs: Number(r.settled_ms),
});

export class StatementStore {
  constructor(private readonly db: Db) {}

  /** Local dates before `today` of confirmed-account entries no statement holds yet. */
  async unsettledDates(confirmedAccount: string, today: string, db: Db = this.db): Promise<string[]> {
    const { rows } = await db.query<{ d: string }>(
      `SELECT DISTINCT to_char(e.local_date, 'YYYY-MM-DD') AS d FROM ledger_entries e
       WHERE (e.credit_account = $1 OR e.debit_account = $1) AND e.kind IN ('CONFIRM', 'CLAWBACK') AND e.local_date < $2
         AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.entry_id = e.id)
       ORDER BY d`,
      [confirmedAccount, today],
    );
    return rows.map((r) => r.d);
  }

  async unsettledLines(confirmedAccount: string, through: string, db: Db): Promise<EntryRow[]> {
    const { rows } = await db.query(
      `${ENTRY_SELECT} e WHERE (e.credit_account = $1 OR e.debit_account = $1) AND e.kind IN ('CONFIRM', 'CLAWBACK') AND e.local_date <= $2
         AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.entry_id = e.id) ORDER BY e.id`,
      [confirmedAccount, through],
    );
    return rows.map(toEntry);
  }

  async exists(leaderId: string, date: string, db: Db = this.db): Promise<boolean> {
    const { rows } = await db.query('SELECT 1 FROM statements WHERE leader_id = $1 AND statement_date = $2', [leaderId, date]);
    return rows.length > 0;
  }

  async insert(s: StatementRow, entryIds: number[], db: Db): Promise<void> {
    await db.query(
      `INSERT INTO statements (id, leader_id, statement_date, zone, confirmed_fen, clawback_fen, net_fen, line_count, settled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, to_timestamp($9 / 1000.0))`,
      [s.id, s.leaderId, s.statementDate, s.zone, s.confirmedFen, s.clawbackFen, s.netFen, s.lineCount, s.settledAtMs],
    );
    await db.query('INSERT INTO statement_lines (entry_id, statement_id) SELECT unnest($1::bigint[]), $2', [entryIds, s.id]);
  }

  async list(leaderId: string, opts: { from?: string; to?: string; limit: number }, db: Db = this.db): Promise<StatementRow[]> {
    const { rows } = await db.query(
      `${SELECT} WHERE leader_id = $1 AND ($2::date IS NULL OR statement_date >= $2) AND ($3::date IS NULL OR statement_date <= $3)
       ORDER BY statement_date DESC LIMIT $4`,
      [leaderId, opts.from ?? null, opts.to ?? null, opts.limit],
    );
    return rows.map(toStatement);
  }

  async byDate(leaderId: string, date: string, db: Db = this.db): Promise<StatementRow | undefined> {
    const { rows } = await db.query(`${SELECT} WHERE leader_id = $1 AND statement_date = $2`, [leaderId, date]);
    return rows[0] ? toStatement(rows[0]) : undefined;
  }

  async lines(statementId: string, db: Db = this.db): Promise<EntryRow[]> {
    const { rows } = await db.query(`${ENTRY_SELECT} e WHERE e.id IN (SELECT entry_id FROM statement_lines WHERE statement_id = $1) ORDER BY e.id`, [statementId]);
    return rows.map(toEntry);
  }

  /** Per leader: the statements' net total and count, for reconciliation. */
  async totals(db: Db = this.db): Promise<Map<string, { netFen: number; count: number }>> {
    const { rows } = await db.query<{ leader_id: string; net: string; n: string }>('SELECT leader_id, SUM(net_fen)::bigint AS net, count(*) AS n FROM statements GROUP BY leader_id');
    return new Map(rows.map((r) => [r.leader_id, { netFen: Number(r.net), count: Number(r.n) }]));
  }
}
