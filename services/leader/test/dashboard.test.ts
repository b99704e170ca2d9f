// The leader dashboard against the real services (gateway, inventory, the leader service,
// Postgres, NATS) on an injected clock: order events as the order service publishes them, across
// March and April in Asia/Shanghai (one order just before and one just after local midnight, a
// UTC date apart from their local one); pickups, a full and a partial refund, a settlement run.
// Every figure is checked against values computed here from the plan alone; replaying every event
// twice changes nothing; only the leader themself and admins may look.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { OrderRefund, OrderStatusName } from '@lc/contracts';
import { Api, stockProduct } from '../../../test-support/api.js';
import { isolate } from '../../../test-support/isolation.js';
import { OrderEvents, shanghai as at, shanghaiDate as localDateOf } from '../../../test-support/leader-events.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const RATE_BP = 500; // general, NEW
const commission = (totalFen: number) => Math.floor((totalFen * RATE_BP) / 10_000);

interface Planned {
  orderId: string;
  buyerId: string;
  skuId: string;
  qty: number;
  totalFen: number;
  paidAt: number;
  pickedUpAt?: number;
}

describe('leader dashboard - figures from the event-fed read model', { timeout: 240_000 }, () => {
  const iso = isolate();
  // Wednesday 2026-04-22, 20:00 in Shanghai: the week began on Monday the 20th.
  const TODAY = '2026-04-22';
  const clock = { t: at(TODAY, 20), now() { return this.t; } };
  let core: Awaited<ReturnType<typeof startCore>>;
  let bus: OrderEvents;
  const skus: string[] = [];
  const orders: Planned[] = [];

  before(async () => {
    core = await startCore(iso, { leader: { COMMISSION_RATES: JSON.stringify({ "*": { NEW: RATE_BP, GROWING: 600, STAR: 800 } }) } }, { leader: { clock } });
    bus = await OrderEvents.connect(iso);
    for (const name of ['鸡蛋 eggs', '牛奶 milk', '大米 rice']) {
      skus.push((await stockProduct(core.url, 'leader-1', { name, category: 'general', skus: [{ name: 'box', listPriceFen: 2990, initialStock: 10 }] })).skus[0]!.id);
    }
  });
  after(async () => {
    await bus?.close();
    await core?.stop();
    await iso.cleanup();
  });

  const publish = (subject: string, o: Planned, status: OrderStatusName, atMs: number, msgId: string, extra: Partial<OrderRefund> = {}) =>
    bus.publish(subject, { ...o, leaderId: 'leader-1' }, status, atMs, msgId, extra);
  const drained = () => bus.drained();

  it('dashboard - periods, daily line, SKUs, commission, balances and tier equal the plan; replays change nothing; strangers get 403', async () => {
    const [eggs, milk, rice] = skus as [string, string, string];
    const plan = (buyerId: string, skuId: string, qty: number, paidAt: number, extraFen = 0): Planned => {
      const o = { orderId: randomUUID(), buyerId, skuId, qty, totalFen: qty * 2990 + extraFen, paidAt };
      orders.push(o);
      return o;
    };
    // March: two buyers who come back in April (not new then), and the only rice sold.
    plan('dash-b1', rice, 1, at('2026-03-10', 10));
    plan('dash-b2', rice, 2, at('2026-03-28', 11));
    for (let i = 0; i < 36; i++) {
      const day = `2026-04-${String(1 + Math.floor((i * 21) / 36)).padStart(2, '0')}`;
      plan(`dash-b${1 + ((i * 7) % 9)}`, i % 3 === 2 ? milk : eggs, 1 + (i % 3), at(day, 9 + (i % 10), 15), (i % 5) * 100);
    }
    // Around midnight: the first is yesterday in Shanghai, the second today (the UTC date of both is the 21st).
    const beforeMidnight = plan('dash-new-x', milk, 1, at('2026-04-21', 23, 30));
    const afterMidnight = plan('dash-new-y', milk, 2, at(TODAY, 0, 10));
    plan('dash-b3', eggs, 1, at(TODAY, 12));
    // Orders of the first 20 days are collected the next afternoon (confirmed, settled today).
    for (const o of orders) if (o.paidAt < at('2026-04-20', 0) && o.paidAt >= at('2026-04-01', 0)) o.pickedUpAt = o.paidAt + 26 * 3600_000;
    const partial = orders.find((o) => localDateOf(o.paidAt) === '2026-04-20')!;
    const refunds = [
      { o: afterMidnight, subject: 'order.refunded', refundFen: afterMidnight.totalFen, atMs: at(TODAY, 10), full: true },
      { o: partial, subject: 'order.partially_refunded', refundFen: 500, atMs: at('2026-04-20', 18), full: false },
    ];

    for (const o of orders) await publish('order.paid', o, 'PAID', o.paidAt, `paid:${o.orderId}`);
    for (const o of orders) if (o.pickedUpAt) await publish('order.status.picked_up', o, 'PICKED_UP', o.pickedUpAt, `picked:${o.orderId}`);
    for (const r of refunds) {
      const refundId = randomUUID();
      await publish(r.subject, r.o, r.full ? 'REFUNDED' : 'PAID', r.atMs, `refund:${refundId}`, { refundFen: r.refundFen, ...(r.full ? { paymentId: randomUUID() } : { refundId }) });
    }
    await drained();
    const leader = await Api.login(core.url, 'leader-1');
    // Settle once every pickup's confirmation is in the ledger (the consumer acks as it commits,
    // but the jobs must not race its last commits).
    const confirmedInApril = orders.filter((o) => o.pickedUpAt).reduce((s, o) => s + commission(o.totalFen), 0);
    await poll('every pickup confirmed', async () =>
      (await leader.get('/api/v1/leaders/leader-1/dashboard')).body.periods?.[2]?.commissionConfirmedFen === confirmedInApril ? true : undefined);
    await core.leader!.runJobs();

    const read = async () => {
      const r = await leader.get('/api/v1/leaders/leader-1/dashboard');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };
    const d = await read();
    assert.equal(d.today, TODAY);
    assert.equal(d.zone, 'Asia/Shanghai');

    // Expected figures, from the plan alone.
    const inRange = (ms: number, first: string, last: string) => localDateOf(ms) >= first && localDateOf(ms) <= last;
    const firstOrderAt = new Map<string, number>();
    for (const o of orders) firstOrderAt.set(o.buyerId, Math.min(firstOrderAt.get(o.buyerId) ?? Infinity, o.paidAt));
    const expectPeriod = (name: string, first: string) => {
      const p = orders.filter((o) => inRange(o.paidAt, first, TODAY));
      const gmv = p.reduce((s, o) => s + o.totalFen, 0);
      const buyers = new Set(p.map((o) => o.buyerId));
      const trailing = orders.filter((o) => inRange(o.paidAt, addDays(TODAY, -29), TODAY));
      const repeat = [...buyers].filter((b) => trailing.filter((o) => o.buyerId === b).length >= 2).length;
      const refunded = refunds.filter((r) => inRange(r.atMs, first, TODAY)).reduce((s, r) => s + r.refundFen, 0);
      const confirmed = orders.filter((o) => o.pickedUpAt && inRange(o.pickedUpAt, first, TODAY)).reduce((s, o) => s + commission(o.totalFen), 0);
      const clawed = refunds
        .filter((r) => inRange(r.atMs, first, TODAY))
        .reduce((s, r) => s + (r.full ? commission(r.o.totalFen) : Math.round((commission(r.o.totalFen) * r.refundFen) / r.o.totalFen)), 0);
      // Every confirmed day before today is settled today (both refunds hit orders not yet collected).
      const settledToday = orders.filter((o) => o.pickedUpAt && localDateOf(o.pickedUpAt) < TODAY).reduce((s, o) => s + commission(o.totalFen), 0);
      return {
        name, firstDate: first, lastDate: TODAY, gmvFen: gmv, refundedFen: refunded, orders: p.length, units: p.reduce((s, o) => s + o.qty, 0),
        averageOrderFen: p.length ? Math.floor(gmv / p.length) : 0, buyers: buyers.size,
        newCustomers: [...firstOrderAt.values()].filter((ms) => inRange(ms, first, TODAY)).length,
        repeatBuyers: repeat, repurchaseRate: buyers.size ? repeat / buyers.size : 0,
        commissionAccruedFen: p.reduce((s, o) => s + commission(o.totalFen), 0), commissionConfirmedFen: confirmed,
        commissionSettledFen: settledToday, commissionClawedBackFen: clawed,
      };
    };
    const expected = [expectPeriod('today', TODAY), expectPeriod('week', '2026-04-20'), expectPeriod('month', '2026-04-01')];
    assert.deepEqual(d.periods, expected);
    assert.equal(d.periods[0].orders, 2, 'the order at 00:10 local time is today\'s, the one at 23:30 yesterday\'s');
    assert.ok(d.periods[1].newCustomers >= 2 && d.periods[2].newCustomers < new Set(orders.map((o) => o.buyerId)).size, 'March buyers are not new in April');
    assert.ok(beforeMidnight && d.periods[0].refundedFen === afterMidnight.totalFen);

    const daily = Array.from({ length: 30 }, (_, i) => addDays(TODAY, i - 29)).map((date) => {
      const p = orders.filter((o) => localDateOf(o.paidAt) === date);
      return { date, gmvFen: p.reduce((s, o) => s + o.totalFen, 0), orders: p.length };
    });
    assert.deepEqual(d.daily, daily);

    const month = orders.filter((o) => inRange(o.paidAt, '2026-04-01', TODAY));
    const sku = (id: string) => ({ skuId: id, units: month.filter((o) => o.skuId === id).reduce((s, o) => s + o.qty, 0), gmvFen: month.filter((o) => o.skuId === id).reduce((s, o) => s + o.totalFen, 0) });
    const ranked = [sku(eggs), sku(milk)].sort((a, b) => b.units - a.units);
    assert.deepEqual(d.topSkus, ranked);
    assert.deepEqual(d.slowSkus, [{ skuId: rice, units: 0, gmvFen: 0 }], 'rice sold in March only: the slow seller');

    const partialClaw = Math.round((commission(partial.totalFen) * 500) / partial.totalFen);
    const pending = orders.filter((o) => !o.pickedUpAt).reduce((s, o) => s + commission(o.totalFen), 0) - commission(afterMidnight.totalFen) - partialClaw;
    assert.deepEqual(d.balances, { pendingFen: pending, confirmedFen: 0, availableFen: expected[0]!.commissionSettledFen, withdrawingFen: 0 });

    // Tier: NEW, towards GROWING on April's sales (net of refunds) and repurchase.
    const netSales = month.reduce((s, o) => s + o.totalFen, 0) - refunds.reduce((s, r) => s + r.refundFen, 0);
    assert.equal(d.tier.tier, 'NEW');
    assert.equal(d.tier.nextTier, 'GROWING');
    assert.equal(d.tier.month, '2026-04');
    const sales = d.tier.requirements.find((r: { name: string }) => r.name === 'sales_fen');
    assert.deepEqual([sales.current, sales.target, sales.met], [netSales, 500_000, netSales >= 500_000]);
    assert.equal(d.tier.requirements.find((r: { name: string }) => r.name === 'repurchase_rate').target, 0.4);

    // Replaying every event twice (new message ids, so the stream takes them) changes nothing.
    for (const round of ['1', '2']) await bus.replay(round);
    await drained();
    assert.deepEqual(await read(), d);

    // Only the leader themself and admins.
    const other = await Api.login(core.url, 'leader-2');
    const refused = await other.get('/api/v1/leaders/leader-1/dashboard');
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /own dashboard/);
    assert.equal((await (await Api.login(core.url, 'buyer-1')).get('/api/v1/leaders/leader-1/dashboard')).status, 403);
    assert.equal((await (await Api.login(core.url, 'warehouse-1')).get('/api/v1/leaders/leader-1/dashboard')).status, 403);
    assert.equal((await new Api(core.url).get('/api/v1/leaders/leader-1/dashboard')).status, 401);
    const admin = await (await Api.login(core.url, 'admin-1')).get('/api/v1/leaders/leader-1/dashboard');
    assert.deepEqual([admin.status, admin.body.periods], [200, d.periods]);
    const fresh = await other.get('/api/v1/leaders/leader-2/dashboard');
    assert.equal(fresh.status, 200, 'a leader with no orders yet sees an empty dashboard');
    assert.deepEqual(fresh.body.periods.map((p: { gmvFen: number }) => p.gmvFen), [0, 0, 0]);
  });
});
