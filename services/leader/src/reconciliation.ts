// Reconciliation (admin): the ledger held against the statements and the payout provider's own
// book, per leader and in total. Every check is a difference that must be 0 to the fen.
import type { LedgerStore } from './adapters/ledger-store.js';
import type { PayoutProvider } from './adapters/payout-provider.js';
import type { StatementStore } from './adapters/statement-store.js';
import type { WithdrawalStore } from './adapters/withdrawal-store.js';
import { PLATFORM_COMMISSION, PLATFORM_PAYOUTS, leaderAccount } from './domain/accounts.js';

export interface LeaderReconciliation {
  leaderId: string;
  pendingFen: number;
  confirmedFen: number;
  availableFen: number;
  withdrawingFen: number;
  statementsNetFen: number;
  statementCount: number;
  withdrawalsPaidFen: number;
  withdrawalsOpenFen: number;
  providerPaidFen: number;
  /** available − (statements' net − withdrawals paid or open): must be 0. */
  availableVsStatementsFen: number;
  /** withdrawals paid in the ledger − paid by the provider: must be 0. */
  payoutsVsProviderFen: number;
  /** withdrawing − withdrawals still open: must be 0. */
  withdrawingVsOpenFen: number;
  balanced: boolean;
}

export interface Reconciliation {
  leaders: LeaderReconciliation[];
  /** Every account's balance summed: must be 0. */
  ledgerSumFen: number;
  platformCommissionFen: number;
  platformPayoutsFen: number;
  providerPaidFen: number;
  entryTotalsByKind: Record<string, number>;
  balanced: boolean;
}

export class Reconciler {
  constructor(
    private readonly ledger: LedgerStore,
    private readonly statements: StatementStore,
    private readonly withdrawals: WithdrawalStore,
    private readonly provider: PayoutProvider,
  ) {}

  async report(): Promise<Reconciliation> {
    const [balances, statementTotals, withdrawalTotals, providerPaid, byKind, leaderIds] = await Promise.all([
      this.ledger.allBalances(),
      this.statements.totals(),
      this.withdrawals.totals(),
      this.provider.paidTotals(),
      this.ledger.totalsByKind(),
      this.ledger.leadersWithEntries(),
    ]);
    const bal = (a: string) => balances.get(a) ?? 0;
    const leaders = leaderIds.map((leaderId): LeaderReconciliation => {
      const w = (status: string) => withdrawalTotals.filter((t) => t.leaderId === leaderId && t.status === status).reduce((s, t) => s + t.amountFen, 0);
      const st = statementTotals.get(leaderId) ?? { netFen: 0, count: 0 };
      const paid = w('PAID');
      const open = w('REQUESTED');
      const providerPaidFen = providerPaid.get(leaderId)?.amountFen ?? 0;
      const r = {
        leaderId,
        pendingFen: bal(leaderAccount(leaderId, 'pending')),
        confirmedFen: bal(leaderAccount(leaderId, 'confirmed')),
        availableFen: bal(leaderAccount(leaderId, 'available')),
        withdrawingFen: bal(leaderAccount(leaderId, 'withdrawing')),
        statementsNetFen: st.netFen,
        statementCount: st.count,
        withdrawalsPaidFen: paid,
        withdrawalsOpenFen: open,
        providerPaidFen,
      };
      const availableVsStatementsFen = r.availableFen - (r.statementsNetFen - paid - open);
      const payoutsVsProviderFen = paid - providerPaidFen;
      const withdrawingVsOpenFen = r.withdrawingFen - open;
      return { ...r, availableVsStatementsFen, payoutsVsProviderFen, withdrawingVsOpenFen, balanced: availableVsStatementsFen === 0 && payoutsVsProviderFen === 0 && withdrawingVsOpenFen === 0 };
    });
    const ledgerSumFen = [...balances.values()].reduce((s, v) => s + v, 0);
    const providerPaidFen = [...providerPaid.values()].reduce((s, v) => s + v.amountFen, 0);
    const platformPayoutsFen = bal(PLATFORM_PAYOUTS);
    return {
      leaders,
      ledgerSumFen,
      platformCommissionFen: bal(PLATFORM_COMMISSION),
      platformPayoutsFen,
      providerPaidFen,
      entryTotalsByKind: Object.fromEntries(byKind),
      balanced: ledgerSumFen === 0 && platformPayoutsFen === providerPaidFen && leaders.every((l) => l.balanced),
    };
  }
}
