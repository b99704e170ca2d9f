// LeaderService gRPC handlers: each checks who asks, then makes a thin call into the leader modules.
import { DomainError, unaryService, type Logger } from '@lc/kit';
import type { Actor, LeaderServiceServer, LedgerEntry, Statement, TierEvaluation, Withdrawal } from '@lc/contracts';
import type { EntryRow } from '../adapters/ledger-store.js';
import type { StatementRow } from '../adapters/statement-store.js';
import type { TierEvaluationRow } from '../adapters/tier-store.js';
import type { WithdrawalRow } from '../adapters/withdrawal-store.js';
import { checkLeaderAccess, type Leaders } from '../leaders.js';
import type { Ledger } from '../ledger.js';
import type { Reconciler } from '../reconciliation.js';
import type { Settlement } from '../settlement.js';
import type { Tiers } from '../tiers.js';
import type { Withdrawals } from '../withdrawals.js';

export interface LeaderModules {
  leaders: Leaders;
  ledger: Ledger;
  settlement: Settlement;
  withdrawals: Withdrawals;
  reconciler: Reconciler;
  tiers: Tiers;
}

function requireRole(actor: Actor | undefined, role: string): Actor {
  if (!actor?.userId || !actor.role) throw new DomainError('UNAUTHENTICATED', 'actor is required');
  if (actor.role !== role) throw new DomainError('FORBIDDEN', `only ${role === 'admin' ? 'an admin' : `a ${role}`} may do this`);
  return actor;
}

const limitOf = (n: number, max: number, dflt: number) => (n > 0 ? Math.min(n, max) : dflt);

const toEntry = (e: EntryRow): LedgerEntry => ({
  id: e.id, leaderId: e.leaderId, kind: e.kind, sourceEvent: e.sourceEvent, orderId: e.orderId ?? '', debitAccount: e.debit, creditAccount: e.credit,
  amountFen: e.amountFen, effectiveAtMs: e.effectiveAtMs, localDate: e.localDate,
});
const toStatement = (s: StatementRow): Statement => s;
const toWithdrawal = (w: WithdrawalRow): Withdrawal => ({
  id: w.id, leaderId: w.leaderId, amountFen: w.amountFen, status: w.status, provider: w.provider, providerRef: w.providerRef, failure: w.failure,
  requestedAtMs: w.requestedAtMs, completedAtMs: w.completedAtMs ?? 0,
});
const toEvaluation = (e: TierEvaluationRow): TierEvaluation => ({
  id: e.id, leaderId: e.leaderId, month: e.month, trigger: e.trigger, evaluatedAtMs: e.evaluatedAtMs, effectiveDate: e.effectiveDate,
  tierBefore: e.tierBefore, tierAfter: e.tierAfter, reason: e.reason, figuresJson: JSON.stringify(e.figures),
});

export function leaderRpc(m: LeaderModules, logger: Logger): LeaderServiceServer {
  const { leaders, ledger, settlement, withdrawals, reconciler, tiers } = m;
  return unaryService<LeaderServiceServer>(
    {
      async getLeader(req) {
        return { leader: await leaders.get(req.actor, req.leaderId) };
      },
      async getLedger(req) {
        checkLeaderAccess(req.actor, req.leaderId);
        const [b, entries] = await Promise.all([ledger.balances(req.leaderId), ledger.entries(req.leaderId, req.beforeId || undefined, limitOf(req.limit, 500, 100))]);
        return {
          balances: { pendingFen: b.pending!, confirmedFen: b.confirmed!, availableFen: b.available!, withdrawingFen: b.withdrawing! },
          entries: entries.map(toEntry),
        };
      },
      async listStatements(req) {
        checkLeaderAccess(req.actor, req.leaderId);
        const list = await settlement.list(req.leaderId, { from: req.fromDate || undefined, to: req.toDate || undefined, limit: limitOf(req.limit, 366, 31) });
        return { statements: list.map(toStatement) };
      },
      async getStatement(req) {
        checkLeaderAccess(req.actor, req.leaderId);
        const { statement, lines } = await settlement.get(req.leaderId, req.statementDate);
        return { statement: toStatement(statement), lines: lines.map(toEntry) };
      },
      async exportStatementCsv(req) {
        checkLeaderAccess(req.actor, req.leaderId);
        return { csv: await settlement.csv(req.leaderId, req.statementDate), filename: `statement-${req.leaderId}-${req.statementDate}.csv` };
      },
      async requestWithdrawal(req) {
        // Only the leader themself moves their money; an admin may look, not withdraw.
        requireRole(req.actor, 'leader');
        checkLeaderAccess(req.actor, req.leaderId);
        return { withdrawal: toWithdrawal(await withdrawals.request(req.leaderId, req.amountFen, req.idempotencyKey)) };
      },
      async listWithdrawals(req) {
        checkLeaderAccess(req.actor, req.leaderId);
        return { withdrawals: (await withdrawals.list(req.leaderId, limitOf(req.limit, 200, 50))).map(toWithdrawal) };
      },
      async getReconciliation(req) {
        requireRole(req.actor, 'admin');
        return reconciler.report();
      },
      async evaluateTier(req) {
        requireRole(req.actor, 'admin');
        return { evaluation: toEvaluation(await tiers.evaluateOnDemand(req.leaderId, req.month || undefined)) };
      },
      async getTier(req) {
        checkLeaderAccess(req.actor, req.leaderId);
        const t = await tiers.current(req.leaderId);
        return { tier: t.tier, today: t.today, evaluations: t.evaluations.map(toEvaluation) };
      },
      async rateLeader(req) {
        const actor = requireRole(req.actor, 'buyer');
        return tiers.rate(actor.userId, req.orderId, req.score, req.comment);
      },
    },
    logger,
  );
}
