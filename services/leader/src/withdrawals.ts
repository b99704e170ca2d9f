// Withdrawals: a leader takes out (part of) their available balance through the payout provider.
// The balance check and the hold are one transaction under the leader's money lock, so two
// withdrawals at once cannot both spend the same fen; the same idempotency key is the same
// withdrawal (a retry re-drives its payout, which the provider pays at most once).
import { randomUUID } from 'node:crypto';
import { DomainError, inTransaction, type Pool } from '@lc/kit';
import { lockLeaderMoney } from './adapters/leader-lock.js';
import type { LedgerStore } from './adapters/ledger-store.js';
import type { PayoutProvider } from './adapters/payout-provider.js';
import type { WithdrawalRow, WithdrawalStore } from './adapters/withdrawal-store.js';
import { PLATFORM_PAYOUTS, leaderAccount } from './domain/accounts.js';
import type { Clock } from './domain/clock.js';
import { localDate } from '@lc/contracts';
import type { Leaders } from './leaders.js';

export class Withdrawals {
  constructor(
    private readonly pool: Pool,
    private readonly store: WithdrawalStore,
    private readonly ledger: LedgerStore,
    private readonly leaders: Leaders,
    private readonly provider: PayoutProvider,
    private readonly clock: Clock,
    private readonly minimumFen: number,
  ) {}

  async request(leaderId: string, amountFen: number, idempotencyKey: string): Promise<WithdrawalRow> {
    if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new DomainError('INVALID_ARGUMENT', 'amountFen must be a positive integer (fen)');
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(idempotencyKey)) throw new DomainError('INVALID_ARGUMENT', 'idempotencyKey must be 8–64 letters, digits, - or _');
    const leader = await this.leaders.byId(leaderId);
    if (!leader) throw new DomainError('NOT_FOUND', `leader ${leaderId} not found`);
    const nowMs = this.clock.now();
    const available = leaderAccount(leaderId, 'available');
    const withdrawing = leaderAccount(leaderId, 'withdrawing');
    const held = await inTransaction(this.pool, async (tx) => {
      await lockLeaderMoney(tx, leaderId);
      const existing = await this.store.byKey(leaderId, idempotencyKey, tx);
      if (existing) {
        if (existing.amountFen !== amountFen) throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this idempotencyKey was used for another amount');
        return existing;
      }
      if (amountFen < this.minimumFen) throw new DomainError('INVALID_ARGUMENT', `amountFen must be at least ${this.minimumFen} (the minimum withdrawal)`);
      const balance = (await this.ledger.balances([available], tx)).get(available) ?? 0;
      if (amountFen > balance) throw new DomainError('INSUFFICIENT_BALANCE', `amountFen ${amountFen} is more than the available balance ${Math.max(0, balance)}`, { availableFen: balance });
      const w: WithdrawalRow = {
        id: randomUUID(), leaderId, idempotencyKey, amountFen, status: 'REQUESTED', provider: this.provider.name, providerRef: '', failure: '', requestedAtMs: nowMs, completedAtMs: null,
      };
      await this.store.insert(w, tx);
      await this.ledger.append({ leaderId, kind: 'WITHDRAW_HOLD', sourceEvent: `withdrawal:${w.id}`, orderId: null, debit: available, credit: withdrawing, amountFen, effectiveAtMs: nowMs, localDate: localDate(nowMs, leader.zone) }, tx);
      return w;
    });
    if (held.status !== 'REQUESTED') return held;
    const result = await this.provider.payout({ withdrawalId: held.id, leaderId, amountFen });
    const doneMs = this.clock.now();
    await inTransaction(this.pool, async (tx) => {
      await lockLeaderMoney(tx, leaderId);
      const current = await this.store.byKey(leaderId, idempotencyKey, tx);
      if (current?.status !== 'REQUESTED') return;
      const entry = result.ok
        ? { kind: 'PAYOUT' as const, debit: withdrawing, credit: PLATFORM_PAYOUTS }
        : { kind: 'PAYOUT_RETURN' as const, debit: withdrawing, credit: available };
      await this.ledger.append({ leaderId, ...entry, sourceEvent: `withdrawal:${held.id}`, orderId: null, amountFen, effectiveAtMs: doneMs, localDate: localDate(doneMs, leader.zone) }, tx);
      await this.store.complete(held.id, result.ok ? 'PAID' : 'FAILED', result.ok ? result.reference : '', result.ok ? '' : result.reason, doneMs, tx);
    });
    return (await this.store.byKey(leaderId, idempotencyKey))!;
  }

  list(leaderId: string, limit: number) {
    return this.store.list(leaderId, limit);
  }
}
