// The leader dashboard (issue 15 point 7): its read model follows order events (each paid order
// and each refund once, whatever replays), and a read puts together the periods, the daily line,
// SKU rankings, commission from the ledger and the tier's progress, in the leader's zone.
import { DomainError, type Pool } from '@lc/kit';
import { DashboardStore, type PeriodFigures } from './adapters/dashboard-store.js';
import type { LeaderRow } from './adapters/leader-store.js';
import type { Clock } from './domain/clock.js';
import type { Tier } from './domain/commission.js';
import { DAILY_DAYS, periodsOf, rankSkus, SLOW_LOOKBACK_DAYS, tierProgress, type Period } from './domain/dashboard.js';
import { addDays, localDate, type Actor } from '@lc/contracts';
import { monthOf } from './domain/months.js';
import type { ConsumedOrderSubject, OrderEvent } from './events.js';
import { checkLeaderAccess, type Leaders } from './leaders.js';
import type { Ledger } from './ledger.js';
import { sourceEventId } from './ledger.js';
import type { Tiers } from './tiers.js';

export class Dashboard {
  private readonly store: DashboardStore;

  constructor(
    pool: Pool,
    private readonly leaders: Leaders,
    private readonly ledger: Ledger,
    private readonly tiers: Tiers,
    private readonly clock: Clock,
    private readonly defaultZone: string,
  ) {
    this.store = new DashboardStore(pool);
  }

  async onOrderEvent(e: OrderEvent, subject: ConsumedOrderSubject): Promise<void> {
    if (!e.leaderId || !e.orderId) return;
    if (subject === 'order.paid') {
      await this.store.addOrder({ orderId: e.orderId, leaderId: e.leaderId, buyerId: e.buyerId, skuId: e.skuId, qty: e.qty, totalFen: e.totalFen, paidAtMs: e.atMs });
    } else if (subject === 'order.refunded' || subject === 'order.partially_refunded') {
      await this.store.addRefund({ sourceEvent: sourceEventId(subject, e), orderId: e.orderId, leaderId: e.leaderId, refundFen: e.refundFen ?? 0, atMs: e.atMs });
    }
  }

  async get(actor: Actor | undefined, leaderId: string) {
    checkLeaderAccess(actor, leaderId);
    // A leader no event has named yet has an empty dashboard in the default zone.
    const leader: LeaderRow = (await this.leaders.byId(leaderId)) ?? { id: leaderId, name: '', zone: this.defaultZone, joinedAtMs: this.clock.now() };
    const today = localDate(this.clock.now(), leader.zone);
    const periods = periodsOf(today);
    const month = periods.find((p) => p.name === 'month')!;
    const dailyFirst = addDays(today, -(DAILY_DAYS - 1));
    const [figures, daily, skus, tier, monthFigures, balances] = await Promise.all([
      Promise.all(periods.map((p) => this.period(leader, p))),
      this.store.daily(leaderId, leader.zone, dailyFirst, today),
      this.store.skuSales(leaderId, leader.zone, month.first, month.last, addDays(today, -(SLOW_LOOKBACK_DAYS - 1))),
      this.tiers.current(leaderId).then((c) => c.tier as Tier).catch((e: unknown) => {
        if (e instanceof DomainError && e.code === 'NOT_FOUND') return 'NEW' as Tier;
        throw e;
      }),
      this.tiers.figures(leader, monthOf(today), today),
      this.ledger.balances(leaderId),
    ]);
    const { top, slow } = rankSkus(skus);
    const progress = tierProgress(tier, monthFigures);
    return {
      leaderId,
      zone: leader.zone,
      today,
      periods: figures,
      daily: Array.from({ length: DAILY_DAYS }, (_, i) => {
        const date = addDays(dailyFirst, i);
        return { date, ...(daily.get(date) ?? { gmvFen: 0, orders: 0 }) };
      }),
      topSkus: top,
      slowSkus: slow,
      tier: { tier, nextTier: progress.nextTier, month: monthOf(today), requirements: progress.requirements },
      balances: { pendingFen: balances.pending ?? 0, confirmedFen: balances.confirmed ?? 0, availableFen: balances.available ?? 0, withdrawingFen: balances.withdrawing ?? 0 },
    };
  }

  private async period(leader: LeaderRow, p: Period) {
    const [f, commission]: [PeriodFigures, Map<string, number>] = await Promise.all([
      this.store.period(leader.id, leader.zone, p.first, p.last),
      this.store.commissionByKind(leader.id, p.first, p.last),
    ]);
    return {
      name: p.name,
      firstDate: p.first,
      lastDate: p.last,
      ...f,
      averageOrderFen: f.orders ? Math.floor(f.gmvFen / f.orders) : 0,
      repurchaseRate: f.buyers ? f.repeatBuyers / f.buyers : 0,
      commissionAccruedFen: commission.get('ACCRUE') ?? 0,
      commissionConfirmedFen: commission.get('CONFIRM') ?? 0,
      commissionSettledFen: commission.get('SETTLE') ?? 0,
      commissionClawedBackFen: commission.get('CLAWBACK') ?? 0,
    };
  }
}
