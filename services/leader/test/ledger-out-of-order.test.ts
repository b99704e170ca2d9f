// Events that overtake their payment (the order.paid is redelivered after a failure, or published
// late): a pickup or a refund the ledger sees before the accrual must be retried until the payment
// is recorded, not dropped. Against the real services (gateway, inventory for categories, the
// leader service, Postgres, NATS), with the order events as the order service publishes them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Api, stockProduct } from '../../../test-support/api.js';
import { isolate } from '../../../test-support/isolation.js';
import { OrderEvents, type EventOrder } from '../../../test-support/leader-events.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';

const RATE_BP = 500;

describe('leader ledger - events ahead of their payment', { timeout: 120_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let events: OrderEvents;
  let skuId = '';
  let leader: Api;

  before(async () => {
    core = await startCore(iso, { leader: { COMMISSION_RATES: JSON.stringify({ '*': { NEW: RATE_BP, GROWING: 600, STAR: 800 } }) } }, { leader: true });
    events = await OrderEvents.connect(iso);
    skuId = (await stockProduct(core.url, 'leader-1', { name: '鸡蛋 eggs', category: 'general', skus: [{ name: 'box', listPriceFen: 2990, initialStock: 10 }] })).skus[0]!.id;
    leader = await Api.login(core.url, 'leader-1');
  });
  after(async () => {
    await events?.close();
    await core?.stop();
    await iso.cleanup();
  });

  const order = (totalFen: number): EventOrder => ({ orderId: randomUUID(), buyerId: 'ooo-buyer', leaderId: 'leader-1', skuId, qty: 1, totalFen });
  const entriesOf = async (orderId: string) =>
    ((await leader.get('/api/v1/leaders/leader-1/ledger?limit=100')).body.entries as { orderId: string; kind: string; amountFen: number }[])
      .filter((e) => e.orderId === orderId)
      .map((e) => `${e.kind} ${e.amountFen}`)
      .sort();

  it('ledger - a pickup, a full refund and a partial refund published before their payment are written once the payment arrives', async () => {
    const now = Date.now();
    const collected = order(20_000);
    const refunded = order(30_000);
    const partly = order(40_000);
    await events.publish('order.status.picked_up', collected, 'PICKED_UP', now, `order:${collected.orderId}:PICKED_UP`);
    await events.publish('order.refunded', refunded, 'REFUNDED', now, `order:${refunded.orderId}:REFUNDED`, { paymentId: randomUUID(), refundFen: refunded.totalFen });
    await events.publish('order.partially_refunded', partly, 'PAID', now, `order:${partly.orderId}:PARTIAL`, { refundId: randomUUID(), refundFen: 10_000, cause: 'after_sales' });
    // The payments come only after the consumer has taken each event above at least once.
    const jsm = await events.bus.nc.jetstreamManager();
    await poll('the consumer to try the early events', async () => {
      const info = await jsm.consumers.info(events.bus.streamName('ORDER'), `${iso.id}_leader-orders`);
      return info.num_pending === 0 && info.delivered.consumer_seq >= 3 ? true : undefined;
    });
    for (const o of [collected, refunded, partly]) await events.publish('order.paid', o, 'PAID', now - 60_000, `order:${o.orderId}:PAID`);
    await events.drained();

    const c = (fen: number) => Math.floor((fen * RATE_BP) / 10_000);
    assert.deepEqual(await entriesOf(collected.orderId), [`ACCRUE ${c(20_000)}`, `CONFIRM ${c(20_000)}`]);
    assert.deepEqual(await entriesOf(refunded.orderId), [`ACCRUE ${c(30_000)}`, `CLAWBACK ${c(30_000)}`]);
    assert.deepEqual(await entriesOf(partly.orderId), [`ACCRUE ${c(40_000)}`, `CLAWBACK ${Math.round((c(40_000) * 10_000) / 40_000)}`]);
    const { balances } = (await leader.get('/api/v1/leaders/leader-1/ledger?limit=1')).body;
    assert.equal(balances.confirmedFen, c(20_000));
    assert.equal(balances.pendingFen, c(40_000) - Math.round((c(40_000) * 10_000) / 40_000));

    // Replayed in the same order, nothing is added.
    const before = await entriesOf(collected.orderId);
    await events.replay('1');
    await events.drained();
    assert.deepEqual(await entriesOf(collected.orderId), before);
  });
});
