// Tiers: evaluated monthly for the month just ended (and on demand by admins), from the ledger's
// orders and the buyers' ratings; every evaluation is recorded with its figures and reason, and a
// changed tier (up or down) applies from the next local day. Buyers rate their leader here too.
import { randomUUID } from 'node:crypto';
import { DomainError, inTransaction, type Logger, type Pool } from '@lc/kit';
import type { LeaderRow } from './adapters/leader-store.js';
import type { LedgerStore } from './adapters/ledger-store.js';
import type { TierEvaluationRow, TierStore } from './adapters/tier-store.js';
import type { Clock } from './domain/clock.js';
import { addDays, daysBetween, localDate } from '@lc/contracts';
import { isMonth, monthOf, monthRange, previousMonth } from './domain/months.js';
import { evaluateTier, nps, type TierFigures } from './domain/tiers.js';
import type { Leaders } from './leaders.js';

export class Tiers {
  constructor(
    private readonly pool: Pool,
    private readonly store: TierStore,
    private readonly ledger: LedgerStore,
    private readonly leaders: Leaders,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Evaluates every leader's month just ended, once per leader and month, as of `nowMs`. */
  async runDue(nowMs: number): Promise<TierEvaluationRow[]> {
    const done: TierEvaluationRow[] = [];
    for (const leader of await this.leaders.all()) {
      const month = previousMonth(monthOf(localDate(nowMs, leader.zone)));
      if (localDate(leader.joinedAtMs, leader.zone) > monthRange(month).last) continue;
      if (await this.store.hasMonthly(leader.id, month)) continue;
      try {
        const e = await this.evaluate(leader, month, 'monthly', nowMs);
        if (e) done.push(e);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, leaderId: leader.id, month }, 'tier evaluation failed; next run retries');
      }
    }
    return done;
  }

  /** An admin's evaluation of one leader's month (default: the month just ended). */
  async evaluateOnDemand(leaderId: string, month: string | undefined): Promise<TierEvaluationRow> {
    const leader = await this.leaders.byId(leaderId);
    if (!leader) throw new DomainError('NOT_FOUND', `leader ${leaderId} not found`);
    const nowMs = this.clock.now();
    const today = localDate(nowMs, leader.zone);
    const m = month ?? previousMonth(monthOf(today));
    if (!isMonth(m)) throw new DomainError('INVALID_ARGUMENT', 'month must be YYYY-MM');
    if (m > monthOf(today)) throw new DomainError('INVALID_ARGUMENT', 'month must not be in the future');
    return (await this.evaluate(leader, m, 'admin', nowMs))!;
  }

  async figures(leader: LeaderRow, month: string, today: string): Promise<TierFigures> {
    const { first, last } = monthRange(month);
    const trailingEnd = last < today ? last : today;
    const [orders, scores] = await Promise.all([this.store.monthFigures(leader.id, first, last, trailingEnd), this.store.ratingScores(leader.id, first, last)]);
    const n = nps(scores);
    return {
      month,
      ...orders,
      repurchaseRate: orders.buyers ? orders.repeatBuyers / orders.buyers : 0,
      ...n,
      daysSinceJoined: daysBetween(localDate(leader.joinedAtMs, leader.zone), today),
    };
  }

  private async evaluate(leader: LeaderRow, month: string, trigger: 'monthly' | 'admin', nowMs: number): Promise<TierEvaluationRow | undefined> {
    const today = localDate(nowMs, leader.zone);
    const figures = await this.figures(leader, month, today);
    const { tier, reason } = evaluateTier(figures);
    return inTransaction(this.pool, async (tx) => {
      const effectiveDate = addDays(today, 1);
      // The tier before is the one the leader would have tomorrow without this evaluation.
      const tierBefore = await this.store.tierAt(leader.id, effectiveDate, tx);
      const e: TierEvaluationRow = {
        id: randomUUID(), leaderId: leader.id, month, trigger, evaluatedAtMs: nowMs, effectiveDate, tierBefore, tierAfter: tier,
        reason: tier === tierBefore ? `stays ${tier}: ${reason}` : `${tierBefore} → ${tier}: ${reason}`,
        figures: figures as unknown as Record<string, unknown>,
      };
      return (await this.store.record(e, tx)) ? e : undefined;
    });
  }

  /** The tier in force today in the leader's zone, and the evaluations that led there. */
  async current(leaderId: string) {
    const leader = await this.leaders.byId(leaderId);
    if (!leader) throw new DomainError('NOT_FOUND', `leader ${leaderId} not found`);
    const today = localDate(this.clock.now(), leader.zone);
    return { tier: await this.store.tierAt(leaderId, today), today, evaluations: await this.store.evaluations(leaderId) };
  }

  /** A buyer rates their leader 0–10 for an order they collected; once per order. */
  async rate(buyerId: string, orderId: string, score: number, comment: string): Promise<{ orderId: string; leaderId: string; score: number; ratedDate: string }> {
    if (!Number.isInteger(score) || score < 0 || score > 10) throw new DomainError('INVALID_ARGUMENT', 'score must be an integer from 0 to 10');
    if (comment.length > 500) throw new DomainError('INVALID_ARGUMENT', 'comment must be at most 500 characters');
    const order = await this.ledger.commission(orderId);
    if (!order || order.buyerId !== buyerId) throw new DomainError('NOT_YOUR_ORDER', `no order ${orderId} of yours with a leader`);
    if (order.pickedUpAtMs === null) throw new DomainError('INVALID_STATE', 'an order is rated after it is picked up');
    const leader = (await this.leaders.byId(order.leaderId))!;
    const nowMs = this.clock.now();
    const ratedDate = localDate(nowMs, leader.zone);
    const added = await this.store.addRating({ orderId, leaderId: order.leaderId, buyerId, score, comment, atMs: nowMs, date: ratedDate });
    if (!added) throw new DomainError('CONFLICT', 'this order was already rated');
    return { orderId, leaderId: order.leaderId, score, ratedDate };
  }
}
