// The commission ledger, fed by order events: PENDING on order.paid (rate by category and the
// leader's tier that day), CONFIRMED on pickup, clawed back pro rata on any refund, whenever it
// arrives. Each event is one transaction; replays find their entries already there and add nothing.
import { Batcher, DomainError, inTransaction, type Pool } from '@lc/kit';
import type { CategoryLookup } from './adapters/catalog-categories.js';
import type { Db } from './adapters/db.js';
import type { LedgerStore } from './adapters/ledger-store.js';
import type { TierStore } from './adapters/tier-store.js';
import { LEADER_ACCOUNTS, PLATFORM_COMMISSION, leaderAccount } from './domain/accounts.js';
import { clawback, commissionFen, rateFor, type RateTable, type Tier } from './domain/commission.js';
import { localDate } from '@lc/contracts';
import type { ConsumedOrderSubject, OrderEvent } from './events.js';
import type { Leaders } from './leaders.js';

/** The id an entry names as its source: the subject and the order (or the partial refund). */
export const sourceEventId = (subject: ConsumedOrderSubject, e: OrderEvent) =>
  subject === 'order.partially_refunded' ? `${subject}:${e.refundId ?? `${e.orderId}:${e.atMs}`}` : `${subject}:${e.orderId}`;

/**
 * A pickup or refund whose payment is not in the ledger yet (its order.paid is being retried, or
 * was published later): "not now", so the consumer redelivers it with backoff until the accrual
 * is there (or dead-letters it after its deliveries run out), instead of losing the entry.
 */
function paymentNotYetRecorded(orderId: string, subject: ConsumedOrderSubject): never {
  throw new DomainError('UNAVAILABLE', `${subject} for order ${orderId} arrived before its payment was recorded; retried later`);
}

export class Ledger {
  constructor(
    private readonly pool: Pool,
    private readonly store: LedgerStore,
    private readonly tiers: TierStore,
    private readonly leaders: Leaders,
    private readonly categories: CategoryLookup,
    private readonly rates: RateTable,
  ) {}

  async onOrderEvent(event: OrderEvent, subject: ConsumedOrderSubject): Promise<void> {
    if (!event.leaderId || !event.orderId) return;
    if (subject === 'order.paid') return this.accrue(event);
    if (subject === 'order.status.picked_up') return this.confirm(event, subject);
    return this.clawBack(event, subject);
  }

  /**
   * Paid orders arrive in bursts (a flash sale): they are accrued together, one transaction per
   * batch, so the ledger keeps up with many more events than it could commit one by one.
   */
  private readonly accruals = new Batcher<OrderEvent & { category: string }, void>((events) => this.accrueBatch(events), {
    name: 'accrue commissions',
    maxBatch: 500,
    // Concurrent commits share Postgres's WAL flushes; the pool has 10 connections.
    maxInFlight: 4,
  });

  private async accrue(e: OrderEvent): Promise<void> {
    const category = await this.categories.of(e.skuId);
    await this.accruals.add({ ...e, category });
  }

  private async accrueBatch(events: (OrderEvent & { category: string })[]): Promise<void[]> {
    // One order per batch (the consumer keeps an order's events in sequence) and a fixed lock
    // order, so two batches at once cannot deadlock.
    const unique = [...new Map(events.map((e) => [e.orderId, e])).values()].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    await inTransaction(this.pool, async (tx) => {
      const zones = await this.leaders.zones(unique.map((e) => ({ leaderId: e.leaderId, seenAtMs: e.atMs })), tx);
      const dated = unique.map((e) => ({ e, paidDate: localDate(e.atMs, zones.get(e.leaderId)!) }));
      const tiers = await this.tiers.tiersAt(dated.map(({ e, paidDate }) => ({ leaderId: e.leaderId, date: paidDate })), tx);
      const rows = dated.map(({ e, paidDate }) => {
        const tier = (tiers.get(`${e.leaderId}|${paidDate}`) ?? 'NEW') as Tier;
        const rateBp = rateFor(this.rates, e.category, tier);
        return { orderId: e.orderId, leaderId: e.leaderId, buyerId: e.buyerId, skuId: e.skuId, category: e.category, tier, rateBp, totalFen: e.totalFen, commissionFen: commissionFen(e.totalFen, rateBp), paidAtMs: e.atMs, paidDate };
      });
      const added = new Set(await this.store.addCommissions(rows, tx));
      await this.store.appendMany(
        rows
          .filter((r) => added.has(r.orderId))
          .map((r) => ({ leaderId: r.leaderId, kind: 'ACCRUE' as const, sourceEvent: `order.paid:${r.orderId}`, orderId: r.orderId, debit: PLATFORM_COMMISSION, credit: leaderAccount(r.leaderId, 'pending'), amountFen: r.commissionFen, effectiveAtMs: r.paidAtMs, localDate: r.paidDate })),
        tx,
      );
    });
    return events.map(() => undefined);
  }

  private async confirm(e: OrderEvent, subject: ConsumedOrderSubject): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const order = await this.store.commissionForUpdate(e.orderId, tx) ?? paymentNotYetRecorded(e.orderId, subject);
      if (order.pickedUpAtMs !== null) return;
      const zone = await this.zoneOf(order.leaderId, tx);
      const id = await this.store.append(
        {
          leaderId: order.leaderId,
          kind: 'CONFIRM',
          sourceEvent: sourceEventId(subject, e),
          orderId: order.orderId,
          debit: leaderAccount(order.leaderId, 'pending'),
          credit: leaderAccount(order.leaderId, 'confirmed'),
          amountFen: order.commissionFen - order.clawedFen,
          effectiveAtMs: e.atMs,
          localDate: localDate(e.atMs, zone),
        },
        tx,
      );
      if (id !== undefined) await this.store.markPickedUp(order.orderId, e.atMs, tx);
    });
  }

  private async clawBack(e: OrderEvent, subject: ConsumedOrderSubject): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      const order = await this.store.commissionForUpdate(e.orderId, tx) ?? paymentNotYetRecorded(e.orderId, subject);
      const next = clawback(order, e.refundFen ?? 0, subject === 'order.refunded');
      const zone = await this.zoneOf(order.leaderId, tx);
      // Before pickup the commission is still pending; after it, confirmed (settled or not: a
      // settled one leaves confirmed negative, which the next statement nets).
      const from = order.pickedUpAtMs === null ? 'pending' : 'confirmed';
      const id = await this.store.append(
        {
          leaderId: order.leaderId,
          kind: 'CLAWBACK',
          sourceEvent: sourceEventId(subject, e),
          orderId: order.orderId,
          debit: leaderAccount(order.leaderId, from),
          credit: PLATFORM_COMMISSION,
          amountFen: next.amountFen,
          effectiveAtMs: e.atMs,
          localDate: localDate(e.atMs, zone),
        },
        tx,
      );
      if (id !== undefined) await this.store.markRefunded(order.orderId, next.refundedFen, next.clawedFen, tx);
    });
  }

  private async zoneOf(leaderId: string, db: Db): Promise<string> {
    return (await this.leaders.byId(leaderId, db))!.zone;
  }

  /** The leader's balance on each of their accounts (credits − debits). */
  async balances(leaderId: string): Promise<Record<string, number>> {
    const accounts = LEADER_ACCOUNTS.map((a) => leaderAccount(leaderId, a));
    const b = await this.store.balances(accounts);
    return Object.fromEntries(LEADER_ACCOUNTS.map((a) => [a, b.get(leaderAccount(leaderId, a)) ?? 0]));
  }

  entries(leaderId: string, beforeId: number | undefined, limit: number) {
    return this.store.entries(leaderId, { beforeId, limit });
  }
}
