// T+1 settlement: each day, in the leader's zone, the confirmed commission of day T (with every
// clawback recorded since the last statement, netted) is settled on T+1 into a statement, and
// its net moves from confirmed to available. Safe on every replica: one leader at a time under a
// Postgres lock, one statement per leader and date.
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { DomainError, inTransaction, type Logger, type Pool } from '@lc/kit';
import type { LeaderRow } from './adapters/leader-store.js';
import { tryLockLeaderMoney } from './adapters/leader-lock.js';
import type { LedgerStore, EntryRow } from './adapters/ledger-store.js';
import type { StatementRow, StatementStore } from './adapters/statement-store.js';
import { leaderAccount } from './domain/accounts.js';
import { addDays, isLocalDate, localDate } from '@lc/contracts';
import type { Leaders } from './leaders.js';

/** A statement line's amount as the leader sees it: + confirmed commission, − clawback. */
export const lineAmount = (entry: EntryRow, confirmedAccount: string) => (entry.credit === confirmedAccount ? entry.amountFen : -entry.amountFen);

export class Settlement {
  constructor(
    private readonly pool: Pool,
    private readonly statements: StatementStore,
    private readonly ledger: LedgerStore,
    private readonly leaders: Leaders,
    private readonly logger: Logger,
  ) {}

  /** Settles every leader's past days not yet settled, as of `nowMs`; returns the statements made. */
  async runDue(nowMs: number): Promise<StatementRow[]> {
    const made: StatementRow[] = [];
    for (const leader of await this.leaders.all()) {
      try {
        made.push(...(await this.settleLeader(leader, nowMs)));
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, leaderId: leader.id }, 'settlement failed; next run retries');
      }
    }
    return made;
  }

  async settleLeader(leader: LeaderRow, nowMs: number): Promise<StatementRow[]> {
    const confirmed = leaderAccount(leader.id, 'confirmed');
    const today = localDate(nowMs, leader.zone);
    return inTransaction(this.pool, async (tx) => {
      if (!(await tryLockLeaderMoney(tx, leader.id))) return [];
      const made: StatementRow[] = [];
      const dates = await this.statements.unsettledDates(confirmed, today, tx);
      // Lines of a date that already has its statement (they arrived late) join the next one.
      const candidates = dates.length ? [...new Set([...dates, addDays(today, -1)])].sort() : [];
      for (const date of candidates) {
        if (await this.statements.exists(leader.id, date, tx)) continue;
        const lines = await this.statements.unsettledLines(confirmed, date, tx);
        if (!lines.length) continue;
        const confirmedFen = lines.filter((l) => l.credit === confirmed).reduce((s, l) => s + l.amountFen, 0);
        const clawbackFen = lines.filter((l) => l.debit === confirmed).reduce((s, l) => s + l.amountFen, 0);
        const statement: StatementRow = {
          id: randomUUID(),
          leaderId: leader.id,
          statementDate: date,
          zone: leader.zone,
          confirmedFen,
          clawbackFen,
          netFen: confirmedFen - clawbackFen,
          lineCount: lines.length,
          settledAtMs: nowMs,
        };
        await this.statements.insert(statement, lines.map((l) => l.id), tx);
        const available = leaderAccount(leader.id, 'available');
        const positive = statement.netFen >= 0;
        await this.ledger.append(
          {
            leaderId: leader.id,
            kind: 'SETTLE',
            sourceEvent: `statement:${statement.id}`,
            orderId: null,
            debit: positive ? confirmed : available,
            credit: positive ? available : confirmed,
            amountFen: Math.abs(statement.netFen),
            effectiveAtMs: nowMs,
            localDate: today,
          },
          tx,
        );
        made.push(statement);
      }
      return made;
    });
  }

  list(leaderId: string, opts: { from?: string; to?: string; limit: number }) {
    for (const [name, v] of Object.entries({ from: opts.from, to: opts.to })) {
      if (v && !isLocalDate(v)) throw new DomainError('INVALID_ARGUMENT', `${name} must be a date YYYY-MM-DD`);
    }
    return this.statements.list(leaderId, opts);
  }

  async get(leaderId: string, date: string): Promise<{ statement: StatementRow; lines: EntryRow[] }> {
    if (!isLocalDate(date)) throw new DomainError('INVALID_ARGUMENT', 'date must be a date YYYY-MM-DD');
    const statement = await this.statements.byDate(leaderId, date);
    if (!statement) throw new DomainError('NOT_FOUND', `no statement for ${date}`);
    return { statement, lines: await this.statements.lines(statement.id) };
  }

  /** The statement as CSV: one row per line, then the totals. Amounts in fen and in yuan. */
  async csv(leaderId: string, date: string): Promise<string> {
    const { statement, lines } = await this.get(leaderId, date);
    const confirmed = leaderAccount(leaderId, 'confirmed');
    const yuan = (fen: number) => (fen / 100).toFixed(2);
    const rows: (string | number)[][] = [['statement_date', 'entry_id', 'kind', 'order_id', 'source_event', 'event_date', 'amount_fen', 'amount_yuan']];
    for (const l of lines) {
      const amount = lineAmount(l, confirmed);
      rows.push([statement.statementDate, l.id, l.kind, l.orderId ?? '', l.sourceEvent, l.localDate, amount, yuan(amount)]);
    }
    rows.push([statement.statementDate, '', 'TOTAL_CONFIRMED', '', '', '', statement.confirmedFen, yuan(statement.confirmedFen)]);
    rows.push([statement.statementDate, '', 'TOTAL_CLAWBACK', '', '', '', -statement.clawbackFen, yuan(-statement.clawbackFen)]);
    rows.push([statement.statementDate, '', 'NET', '', '', '', statement.netFen, yuan(statement.netFen)]);
    return stringify(rows);
  }
}
