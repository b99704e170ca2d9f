// The notification inbox against the real services: events on the test's own streams become
// notices exactly once (redelivered and replayed under new message ids too), unread counts follow
// reads, nobody reads or marks another user's inbox, pushes reach only the user's own sockets on
// any pod, and a parcel that really reaches its pickup point is announced with its pickup code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventBus } from '@lc/kit';
import type { NoticeCreatedPush, NoticeView } from '@lc/contracts';
import { Api, shareToken, stockProduct } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { deliverWave } from '../../../test-support/delivery.js';
import { DATABASE_URL } from '../../../test-support/isolation.js';
import { orderEvent, settled as settledAll } from './notice-events.js';
import { next, sleep, startPlatform, type Platform } from './harness.js';

describe('notification inbox', { timeout: 240_000 }, () => {
  let p: Platform;
  let bus: EventBus;
  const login = (userId: string) => Api.login(p.core.url, userId);
  // Every message gets a fresh id, as the dead-letter replay gives one: only the inbox's own key can drop repeats.
  const publish = (subject: string, payload: unknown) => bus.publish(subject, payload, randomUUID());
  const inbox = async (api: Api, query = '') => {
    const r = await api.get(`/api/v1/notifications${query}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { notifications: NoticeView[]; unreadCount: number; nextCursor: string | null };
  };
  const settled = () => settledAll(bus);

  before(async () => {
    p = await startPlatform({ pods: 2 });
    bus = p.core.order.runtime.bus!;
  });
  after(async () => {
    await p?.stop();
  });

  it('inbox - every kind becomes one notice per user and source event; redeliveries and replays add nothing', async () => {
    const a = await login('buyer-9101');
    const b = await login('buyer-9102');
    const o1: string = randomUUID();
    const o2: string = randomUUID();
    const events: [string, unknown][] = [
      ['order.paid', orderEvent(o1, 'buyer-9101', 'PAID')],
      ['order.status.packed', orderEvent(o1, 'buyer-9101', 'PACKED')],
      ['order.status.out_for_delivery', orderEvent(o1, 'buyer-9101', 'OUT_FOR_DELIVERY')],
      ['order.status.ready_for_pickup', orderEvent(o1, 'buyer-9101', 'READY_FOR_PICKUP')],
      ['order.status.picked_up', orderEvent(o1, 'buyer-9101', 'PICKED_UP')],
      ['order.partially_refunded', orderEvent(o1, 'buyer-9101', 'PICKED_UP', { refundId: 'rf-1', refundFen: 500, cause: 'damaged', caseId: 'case-1' })],
      ['order.partially_refunded', orderEvent(o1, 'buyer-9101', 'PICKED_UP', { refundId: 'rf-2', refundFen: 300, cause: 'missing' })],
      ['order.after_sales.answered', { caseId: 'case-1', orderId: o1, buyerId: 'buyer-9101', leaderId: 'leader-1', status: 'ANSWERED' }],
      ['order.refunded', orderEvent(o2, 'buyer-9101', 'REFUNDED', { paymentId: 'pay-1', refundFen: 2990 })],
      // Events the inbox does not announce.
      ['order.created', orderEvent(randomUUID(), 'buyer-9101', 'PENDING_PAYMENT')],
      ['order.cancelled', orderEvent(randomUUID(), 'buyer-9101', 'CANCELLED')],
      ['order.after_sales.opened', { caseId: 'case-1', orderId: o1, buyerId: 'buyer-9101', leaderId: 'leader-1', status: 'OPEN' }],
    ];
    const groupBuy = { groupBuyId: 'gb-1', leaderId: 'leader-1', skuId: 'sku-x', title: '车厘子拼团 Cherries', orderIds: [o2, randomUUID(), randomUUID()], buyerIds: ['buyer-9101', 'buyer-9102', 'buyer-9102'] };
    for (let round = 0; round < 3; round++) {
      for (const [subject, payload] of events) await publish(subject, payload);
      await publish('order.group_buy.failed', groupBuy);
    }
    await settled();

    const all = (await inbox(a, '?limit=50')).notifications;
    const mine = all.filter((n) => n.orderId !== null && [o1, o2].includes(n.orderId));
    assert.equal(all.length, mine.length, 'nothing from the events the inbox leaves alone');
    const kinds = mine.map((n) => n.kind).sort();
    assert.deepEqual(kinds, ['AFTER_SALES_ANSWERED', 'GROUP_BUY_FAILED', 'ORDER_PACKED', 'ORDER_PAID', 'OUT_FOR_DELIVERY', 'PICKED_UP', 'READY_FOR_PICKUP', 'REFUND_ISSUED', 'REFUND_ISSUED', 'REFUND_ISSUED'], JSON.stringify(mine.map((n) => n.kind)));
    assert.deepEqual(mine.filter((n) => n.kind === 'REFUND_ISSUED').map((n) => n.refundFen).sort((x, y) => x! - y!), [300, 500, 2990]);
    assert.equal(mine.find((n) => n.kind === 'GROUP_BUY_FAILED')!.orderId, o2, 'the buyer’s own order of the group buy');
    assert.ok(mine.every((n) => !n.read && n.title && n.body));
    assert.ok(mine.every((n) => n.pickupCode === null), 'no parcel of these orders waits at a point');

    const theirs = (await inbox(b, '?limit=50')).notifications;
    assert.deepEqual(theirs.map((n) => n.kind), ['GROUP_BUY_FAILED'], 'one notice for two orders in one group buy');
    assert.equal((await b.get('/api/v1/notifications/unread-count')).body.unreadCount, 1);
    assert.equal((await a.get('/api/v1/notifications/unread-count')).body.unreadCount, 10);
  });

  it('inbox - pages walk every notice once; marking read moves the unread count; nobody reads or marks another’s', async () => {
    const a = await login('buyer-9101');
    const b = await login('buyer-9102');
    const all: NoticeView[] = [];
    let cursor: string | null = null;
    do {
      const page = await inbox(a, `?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.notifications.length <= 5);
      all.push(...page.notifications);
      cursor = page.nextCursor;
    } while (cursor);
    assert.equal(all.length, 10);
    assert.equal(new Set(all.map((n) => n.id)).size, 10, 'no notice on two pages');

    // buyer-9102 may neither mark buyer-9101's notices (alone or among their own) nor see them.
    const theirs = all.slice(0, 2).map((n) => n.id);
    const own = (await inbox(b)).notifications[0]!.id;
    for (const ids of [theirs, [own, theirs[0]]]) {
      const r = await b.post('/api/v1/notifications/read', { ids });
      assert.equal(r.status, 404, JSON.stringify(r.body));
    }
    assert.equal((await b.get('/api/v1/notifications/unread-count')).body.unreadCount, 1, 'the refused request marked none of their own either');
    assert.ok((await inbox(b, '?limit=50')).notifications.every((n) => !theirs.includes(n.id)));
    assert.equal((await a.get('/api/v1/notifications/unread-count')).body.unreadCount, 10);

    for (const [body, field] of [[{ ids: [] }, /^ids/], [{ ids: ['x'] }, /^ids/], [{}, /^ids/], [{ ids: Array.from({ length: 101 }, () => randomUUID()) }, /^ids/]] as const) {
      const r = await a.post('/api/v1/notifications/read', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.message, field);
    }
    for (const q of ['?limit=0', '?limit=51', '?cursor=abc', '?unread=maybe']) assert.equal((await a.get(`/api/v1/notifications${q}`)).status, 400, q);
    assert.equal((await new Api(p.core.url).get('/api/v1/notifications')).status, 401);

    const marked = await a.post('/api/v1/notifications/read', { ids: theirs });
    assert.deepEqual(marked.body, { marked: 2, unreadCount: 8 });
    assert.deepEqual((await a.post('/api/v1/notifications/read', { ids: theirs })).body, { marked: 0, unreadCount: 8 }, 'marking again changes nothing');
    const unread = await inbox(a, '?unread=true&limit=50');
    assert.equal(unread.notifications.length, 8);
    assert.ok(unread.notifications.every((n) => !n.read && !theirs.includes(n.id)));
    assert.deepEqual((await a.post('/api/v1/notifications/read-all')).body, { marked: 8, unreadCount: 0 });
    assert.equal((await b.get('/api/v1/notifications/unread-count')).body.unreadCount, 1, 'read-all is one’s own inbox only');
  });

  it('push - a new notice reaches every socket of its user on any pod, and nobody else’s', async () => {
    const mine = [await p.socket('buyer-9103', 0), await p.socket('buyer-9103', 1)];
    const others = [await p.socket('buyer-9104', 0), await p.socket('buyer-9104', 1), await p.socket('leader-1', 1)];
    const strays: unknown[] = [];
    for (const s of others) s.on('notice:new', (m: unknown) => strays.push(m));
    const orderId = randomUUID();
    const arrivals = mine.map((s) => next<NoticeCreatedPush>(s, 'notice:new', (m) => m.notice.orderId === orderId, 20_000));
    await publish('order.paid', orderEvent(orderId, 'buyer-9103', 'PAID', { totalFen: 1234 }));
    for (const push of await Promise.all(arrivals)) {
      assert.equal(push.notice.kind, 'ORDER_PAID');
      assert.match(push.notice.body, /¥12\.34/);
      assert.equal(push.unreadCount, 1);
    }
    // A read in one tab tells the user's other tabs.
    const unread = next<{ unreadCount: number }>(mine[1]!, 'notice:unread');
    const a = await login('buyer-9103');
    assert.equal((await a.post('/api/v1/notifications/read-all')).status, 200);
    assert.equal((await unread).unreadCount, 0);
    await sleep(300);
    assert.deepEqual(strays, []);
  });

  it('pickup - a parcel that reaches its point is announced with the buyer’s pickup code', async () => {
    const product = await stockProduct(p.core.url, 'leader-1', { name: '土鸡蛋 Eggs', skus: [{ name: '30 eggs', listPriceFen: 3600, initialStock: 10 }] });
    const buyer = await login('buyer-9105');
    const placed = await buyer.post('/api/v1/orders', { skuId: product.skus[0]!.id, qty: 1, shareToken: await shareToken(p.core.url, 'leader-1') }, { 'idempotency-key': 'eggs-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    // This order's own wave (the inbox tests above published paid events for made-up orders, which
    // fulfillment also takes into waves), then every route of it, so its stop is surely reached.
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    let deliveryDate: string;
    try {
      const schema = p.iso.env('fulfillment').DB_SCHEMA!;
      deliveryDate = await poll('the order in a wave', async () => (await db.query(`SELECT w.delivery_date::text AS d FROM ${schema}.wave_orders o JOIN ${schema}.waves w ON w.id = o.wave_id WHERE o.order_id = $1 AND w.status = 'OPEN'`, [placed.body.id])).rows[0]?.d as string | undefined);
    } finally {
      await db.end();
    }
    await deliverWave(p.core.url, 'wh-1', deliveryDate);

    const ready = await poll('the ready-for-pickup notice', async () => (await inbox(buyer)).notifications.find((n) => n.kind === 'READY_FOR_PICKUP'), 90_000);
    const { codes } = (await buyer.get('/api/v1/pickup-codes')).body;
    assert.match(ready.pickupCode ?? '', /^[0-9]{6}$/);
    assert.equal(ready.pickupCode, codes.find((c: any) => c.orderId === placed.body.id).code);
    assert.equal(ready.pickupPointName, 'leader-1 自提点');
    const kinds = (await inbox(buyer)).notifications.map((n) => n.kind);
    // Each once; two steps close together may reach the inbox in either order.
    assert.deepEqual([...kinds].sort(), ['ORDER_PACKED', 'ORDER_PAID', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP'], 'the order’s real events, each once');
    // Handed over: the code is no longer shown.
    const leader = await login('leader-1');
    assert.equal((await leader.post('/api/v1/pickups/verify', { code: ready.pickupCode })).status, 200);
    const picked = await poll('the picked-up notice', async () => (await inbox(buyer)).notifications.find((n) => n.kind === 'PICKED_UP'));
    assert.ok(picked);
    assert.equal((await inbox(buyer)).notifications.find((n) => n.kind === 'READY_FOR_PICKUP')!.pickupCode, null);
  });
});
