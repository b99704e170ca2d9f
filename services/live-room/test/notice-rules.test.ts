// Which notices an event becomes, without I/O: keys that make replays harmless, the refusal of a
// malformed payload (it goes to the dead-letter stream), and the events the inbox leaves alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDomainError } from '@lc/kit';
import { noticesFor } from '../src/domain/notice-rules.js';

const order = { orderId: '6f1c2d3e-0000-4000-8000-000000000001', buyerId: 'buyer-1', leaderId: 'leader-1', totalFen: 105, status: 'PAID', atMs: 1 };

describe('notice rules', () => {
  it('notice rules - the key names the source event, so the same event twice is the same notice', () => {
    const [a] = noticesFor('order.paid', order);
    const [b] = noticesFor('order.paid', { ...order, atMs: 2 });
    assert.equal(a!.sourceKey, b!.sourceKey);
    assert.notEqual(noticesFor('order.status.packed', order)[0]!.sourceKey, a!.sourceKey, 'another step of the same order is another notice');
    const partial = (refundId: string) => noticesFor('order.partially_refunded', { ...order, refundId, refundFen: 50 })[0]!.sourceKey;
    assert.notEqual(partial('rf-1'), partial('rf-2'), 'each partial refund is its own notice');
    assert.match(a!.body, /¥1\.05/, 'money from integer fen');
    assert.match(a!.body, /明天送达/);
    assert.match(noticesFor('order.paid', { ...order, groupBuyId: 'gb-1' })[0]!.body, /成团后送达.*once the group buy reaches its minimum/, 'a group buy’s order waits for its cut-off');
  });

  it('notice rules - a failed group buy tells each buyer once, with their order when the lists line up', () => {
    const failed = { groupBuyId: 'gb-1', leaderId: 'leader-1', skuId: 's', title: '拼团', orderIds: ['o1', 'o2', 'o3'], buyerIds: ['b1', 'b2', 'b1'] };
    const notices = noticesFor('order.group_buy.failed', failed);
    assert.deepEqual(notices.map((n) => [n.userId, n.orderId]), [['b1', 'o1'], ['b2', 'o2']]);
    assert.ok(noticesFor('order.group_buy.failed', { ...failed, orderIds: ['o1'] }).every((n) => n.orderId === undefined));
  });

  it('notice rules - a group buy’s reminder goes to its leader once, saying the minutes left and how far from the minimum', () => {
    const reminder = { groupBuyId: 'gb-1', leaderId: 'leader-1', title: '拼团', cutoffAtMs: 3_600_000 + 5, joinedQty: 3, minQty: 10, atMs: 5 };
    const [n, ...more] = noticesFor('order.group_buy.reminder', reminder);
    assert.equal(more.length, 0);
    assert.deepEqual([n!.userId, n!.kind, n!.sourceKey], ['leader-1', 'GROUP_BUY_REMINDER', 'order.group_buy.reminder:gb-1']);
    assert.match(n!.body, /60 分钟后截单/);
    assert.match(n!.body, /还差 7 件成团 \(3\/10\)/);
    assert.match(noticesFor('order.group_buy.reminder', { ...reminder, joinedQty: 12 })[0]!.body, /已达成团门槛 \(12\/10\)/);
    assert.equal(noticesFor('order.group_buy.reminder', { ...reminder, atMs: 99 })[0]!.sourceKey, n!.sourceKey, 'a replay is the same notice');
    assert.throws(() => noticesFor('order.group_buy.reminder', { ...reminder, leaderId: '' }), (e: unknown) => isDomainError(e) && e.code === 'INVALID_ARGUMENT');
  });

  it('notice rules - a full refund without an amount is the order total; malformed payloads are refused; other events make none', () => {
    assert.equal(noticesFor('order.refunded', order)[0]!.refundFen, 105);
    assert.equal(noticesFor('order.refunded', { ...order, refundFen: 99 })[0]!.refundFen, 99);
    for (const [subject, payload] of [['order.paid', { ...order, buyerId: '' }], ['order.partially_refunded', { ...order, refundFen: 1 }], ['order.after_sales.answered', { orderId: 'o', buyerId: 'b' }], ['order.group_buy.failed', { groupBuyId: 'g' }], ['order.paid', 'not json object']] as const) {
      assert.throws(() => noticesFor(subject, payload), (e: unknown) => isDomainError(e) && e.code === 'INVALID_ARGUMENT' && e.message.startsWith(subject), subject);
    }
    for (const subject of ['order.created', 'order.cancelled', 'order.after_sales.opened', 'order.group_buy.succeeded']) assert.deepEqual(noticesFor(subject, order), []);
  });
});
