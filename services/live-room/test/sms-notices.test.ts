// SMS notices against the real services: the gateway's IdentityService gives a buyer's phone, the
// live-room inbox texts the kinds a buyer wants by SMS through the operator's relay (played here by
// a test HTTP server, since it is outside our system, that checks every request's signature), at
// most once per notice however often the event comes or however many pods try; a relay failure is
// recorded, not thrown; a user without a phone gets nothing; bad GetContacts input is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { ConfigError, HttpSmsRelay, isDomainError, parseConfig, RpcClient, type EventBus } from '@lc/kit';
import { IdentityServiceClient, type NoticeView } from '@lc/contracts';
import { Api, shareToken, stockProduct } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { NoticeDeliveryStore } from '../src/adapters/notice-delivery-store.js';
import { SmsNoticeChannel } from '../src/adapters/sms-channel.js';
import { PLACEHOLDER_SMS_SIGNATURE } from '../src/domain/sms-templates.js';
import { configShape } from '../src/config.js';
import { startLiveRoom } from '../src/service.js';
import { startPlatform, type Platform } from './harness.js';
import { deliveryOf, insertNotice, noticeView, orderEvent, settled as settledAll } from './notice-events.js';

const RELAY_SECRET = 'test-relay-secret-0123456789abcdef-xyz';
// Sends in flight at once per pod (NOTICE_DELIVERY_CONCURRENCY), below the default so the bound is this test's.
const CONCURRENCY = 4;

interface Received {
  to: string;
  text: string;
}

/**
 * The operator's relay: takes signed `{to, text}` posts; answers 500 for phones in `failing`, each
 * answer after `delayMs`, and counts the most requests it had in flight at once.
 */
async function startRelay() {
  const received: Received[] = [];
  const badSignatures: string[] = [];
  const failing = new Set<string>();
  const load = { delayMs: 0, inFlight: 0, maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    load.inFlight++;
    load.maxInFlight = Math.max(load.maxInFlight, load.inFlight);
    res.on('finish', () => load.inFlight--);
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', async () => {
      if (load.delayMs) await new Promise((resolve) => setTimeout(resolve, load.delayMs));
      const timestamp = String(req.headers['x-lc-timestamp'] ?? '');
      const given = Buffer.from(String(req.headers['x-lc-signature'] ?? ''), 'hex');
      const expected = createHmac('sha256', RELAY_SECRET).update(`${timestamp}.${body}`).digest();
      const fresh = Math.abs(Date.now() - Number(timestamp)) < 5 * 60_000;
      if (req.method !== 'POST' || !fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        badSignatures.push(body);
        res.writeHead(401).end();
        return;
      }
      const message = JSON.parse(body) as Received;
      assert.deepEqual(Object.keys(message).sort(), ['text', 'to']);
      received.push(message);
      res.writeHead(failing.has(message.to) ? 500 : 202).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/send`;
  return { url, received, badSignatures, failing, load, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let phoneSeq = 0;
const newPhone = () => `137${String(Date.now() % 1e5).padStart(5, '0')}${String(phoneSeq++).padStart(3, '0')}`;

describe('SMS notices', { timeout: 300_000 }, () => {
  let p: Platform;
  let bus: EventBus;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let identity: RpcClient<IdentityServiceClient>;
  const publish = (subject: string, payload: unknown) => bus.publish(subject, payload, randomUUID());
  const to = (phone: string) => relay.received.filter((m) => m.to === `+86${phone}`);

  const settled = () => settledAll(bus);

  /** A buyer who signed up by phone with a code from the development inbox. */
  async function phoneBuyer(): Promise<{ phone: string; api: Api }> {
    const phone = newPhone();
    const api = new Api(p.core.url);
    assert.equal((await api.post('/api/v1/auth/codes', { phone })).status, 200);
    const inbox = await api.get(`/api/v1/auth/dev-inbox?phone=${phone}`);
    const code = /\b([0-9]{6})\b/.exec(inbox.body.messages?.[0]?.body ?? '')?.[1];
    assert.ok(code, JSON.stringify(inbox.body));
    const r = await api.post('/api/v1/auth/sign-in', { phone, code });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    api.token = r.body.token;
    api.userId = r.body.user.id;
    return { phone, api };
  }

  const delivery = (userId: string, sourceKey: string) => deliveryOf(p.pods[0]!.runtime.pool!, 'sms', userId, sourceKey);

  before(async () => {
    relay = await startRelay();
    p = await startPlatform({ pods: 2, env: { NOTICE_SMS_RELAY_URL: relay.url, NOTICE_SMS_RELAY_SECRET: RELAY_SECRET, NOTICE_DELIVERY_CONCURRENCY: String(CONCURRENCY) } });
    bus = p.core.order.runtime.bus!;
    identity = new RpcClient(IdentityServiceClient, `127.0.0.1:${p.core.gateway.runtime.grpcPort}`);
  });
  after(async () => {
    identity?.close();
    await p?.stop();
    await relay?.close();
  });

  it('sms - a refund is texted once to the buyer’s phone; replays and a second pod send nothing more; inbox-only kinds send none', async () => {
    const { phone, api } = await phoneBuyer();
    const orderId = randomUUID();
    const refunded = orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: 'pay-1', refundFen: 2990 });
    await publish('order.refunded', refunded);
    await publish('order.paid', orderEvent(orderId, api.userId, 'PAID'));
    const [message] = await poll('the refund SMS', async () => (to(phone).length ? to(phone) : undefined), 30_000);
    const o = orderId.slice(0, 8);
    assert.equal(message!.text, `【直播团购】订单 ${o} 已退款 ¥29.90，原路退回。Order ${o} was refunded ¥29.90 to your original payment.`);

    // The same event again, under new message ids (as the dead-letter replay sends it).
    for (let i = 0; i < 3; i++) await publish('order.refunded', refunded);
    await settled();
    assert.equal(to(phone).length, 1, JSON.stringify(to(phone)));
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orderId}`), { status: 'sent', detail: null });
    assert.equal(await delivery(api.userId, `order.paid:${orderId}`), undefined, 'ORDER_PAID is not an SMS kind');
    const inbox = (await api.get('/api/v1/notifications')).body.notifications as NoticeView[];
    assert.deepEqual(inbox.map((n) => n.kind).sort(), ['ORDER_PAID', 'REFUND_ISSUED']);

    // Two pods handing the same new notice to their channel at once: one claim wins.
    const refund = inbox.find((n) => n.kind === 'REFUND_ISSUED')!;
    const group = { ...refund, id: await newNoticeId(api.userId, 'GROUP_BUY_FAILED'), kind: 'GROUP_BUY_FAILED' as const };
    const channels = p.pods.map((pod) => new SmsNoticeChannel(new NoticeDeliveryStore(pod.runtime.pool!, 60_000), identity, new HttpSmsRelay(relay.url, RELAY_SECRET, pod.runtime.logger), pod.runtime.logger, PLACEHOLDER_SMS_SIGNATURE));
    await Promise.all(channels.map((c) => c.deliver(api.userId, group)));
    await Promise.all(channels.map((c) => c.deliver(api.userId, group)));
    const texts = to(phone).map((m) => m.text);
    assert.equal(texts.length, 2, JSON.stringify(texts));
    assert.equal(texts[1], `【直播团购】您参加的拼团未成团，订单 ${o} 将全额退款。Your group buy did not reach its minimum: order ${o} will be refunded in full.`);
    assert.deepEqual(relay.badSignatures, []);
  });

  async function newNoticeId(userId: string, kind: string): Promise<string> {
    const id = randomUUID();
    await insertNotice(p.pods[0]!.runtime.pool!, id, userId, kind);
    return id;
  }

  it('sms - a redelivered event sends what a dead pod left (unrecorded sends and stale claims) once, even on two pods at once; a live claim is left alone', async () => {
    const { phone, api } = await phoneBuyer();
    const pool = p.pods[0]!.runtime.pool!;
    // The state a pod that died mid-event leaves: the notices recorded, then one never claimed,
    // one claimed long ago (past the lease) and one claimed just now by a pod still sending it.
    const orders = { unclaimed: randomUUID(), stale: randomUUID(), live: randomUUID() };
    const events = Object.fromEntries(Object.entries(orders).map(([k, orderId]) => [k, orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: `pay-${k}`, refundFen: 500 })]));
    for (const orderId of Object.values(orders)) await insertNotice(pool, randomUUID(), api.userId, 'REFUND_ISSUED', `order.refunded:${orderId}`, orderId);
    const claim = (orderId: string, age: string) =>
      pool.query(`INSERT INTO notice_deliveries (notice_id, channel, status, updated_at) SELECT id, 'sms', 'sending', now() - $2::interval FROM notices WHERE source_key = $1`, [`order.refunded:${orderId}`, age]);
    await claim(orders.stale, '10 minutes');
    await claim(orders.live, '0 seconds');

    // The same events handled by both pods at once (a redelivery racing a dead-letter replay).
    for (const event of Object.values(events)) await Promise.all(p.pods.map((pod) => pod.notices.fromEvent('order.refunded', event)));
    await publish('order.refunded', events.unclaimed);
    await settled();
    const texts = to(phone).map((m) => m.text);
    assert.equal(texts.length, 2, JSON.stringify(texts));
    for (const key of ['unclaimed', 'stale'] as const) assert.equal(texts.filter((t) => t.includes(orders[key].slice(0, 8))).length, 1, key);
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orders.unclaimed}`), { status: 'sent', detail: null });
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orders.stale}`), { status: 'sent', detail: null });
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orders.live}`), { status: 'sending', detail: null });
    const { rows } = await pool.query<{ notice_id: string; attempt: number }>(`SELECT d.notice_id, d.attempt FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source_key = $1`, [`order.refunded:${orders.stale}`]);
    assert.deepEqual(rows.map((r) => r.attempt), [2], 'taken over once');
    // The first holder's outcome arriving late (a pod that was only slow) changes nothing.
    await new NoticeDeliveryStore(pool, 60_000).finish({ noticeId: rows[0]!.notice_id, channel: 'sms', attempt: 1 }, 'failed', 'late');
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orders.stale}`), { status: 'sent', detail: null });
    const inbox = (await api.get('/api/v1/notifications')).body.notifications as NoticeView[];
    assert.equal(inbox.length, 3, 'nothing recorded twice');
  });

  it('sms - a relay answering 500 is recorded as failed and the event is still handled; a user without a phone gets nothing', async () => {
    const { phone, api } = await phoneBuyer();
    relay.failing.add(`+86${phone}`);
    const orderId = randomUUID();
    await publish('order.refunded', orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: 'pay-2', refundFen: 100 }));
    await settled();
    assert.equal(to(phone).length, 1, 'tried once');
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orderId}`), { status: 'failed', detail: 'the SMS relay did not take the message' });
    // Handled and acked (settled) rather than redelivered: the inbox row is there.
    const inbox = (await api.get('/api/v1/notifications')).body.notifications as NoticeView[];
    assert.deepEqual(inbox.map((n) => n.kind), ['REFUND_ISSUED']);
    await publish('order.refunded', orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: 'pay-2', refundFen: 100 }));
    await settled();
    assert.equal(to(phone).length, 1, 'a failed text is not retried by a replay');

    // A development user has no phone at the gateway.
    const before = relay.received.length;
    const devOrder = randomUUID();
    await publish('order.status.ready_for_pickup', orderEvent(devOrder, 'buyer-9301', 'READY_FOR_PICKUP'));
    await settled();
    assert.equal(relay.received.length, before, 'nothing sent for a user without a phone');
    assert.deepEqual(await delivery('buyer-9301', `order.status.ready_for_pickup:${devOrder}`), { status: 'skipped', detail: 'the user has no phone' });
  });

  it('sms - a parcel that reaches its pickup point is texted with its pickup code and point', async () => {
    const { phone, api } = await phoneBuyer();
    const product = await stockProduct(p.core.url, 'leader-1', { name: '土鸡蛋 Eggs', skus: [{ name: '30 eggs', listPriceFen: 3600, initialStock: 10 }] });
    const placed = await api.post('/api/v1/orders', { skuId: product.skus[0]!.id, qty: 1, shareToken: await shareToken(p.core.url, 'leader-1') }, { 'idempotency-key': 'sms-eggs-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal((await api.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    const staff = await Api.login(p.core.url, 'warehouse-1');
    const wave = await poll('the order in a wave', async () => (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.find((w: any) => w.orderCount >= 1));
    assert.equal((await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate })).status, 200);
    const lists = await staff.get(`/api/v1/waves/${wave.id}/pick-lists`);
    for (const l of lists.body.pickLists) for (const bag of l.bags) assert.equal((await staff.post(`/api/v1/bags/${bag.id}/packed`)).status, 200);
    const planned = await staff.post(`/api/v1/waves/${wave.id}/routes`, { timeLimitMs: 500 });
    const plan = await poll('the route plan', async () => {
      const r = await staff.get(`/api/v1/route-plans/${planned.body.id}`);
      return r.body.status === 'PLANNING' ? undefined : r.body;
    });
    const route = plan.routes[0];
    assert.equal((await staff.post(`/api/v1/routes/${route.id}/dispatch`)).status, 200);
    const driver = await Api.login(p.core.url, route.driverId);
    for (const stop of route.stops) assert.equal((await driver.post(`/api/v1/stops/${stop.id}/arrived`)).status, 200);

    // Several hops (fulfillment, order's delivery steps, the inbox): slow on a loaded machine.
    const [message] = await poll('the ready-for-pickup SMS', async () => (to(phone).length ? to(phone) : undefined), 90_000);
    const { codes } = (await api.get('/api/v1/pickup-codes')).body;
    const code = codes.find((c: any) => c.orderId === placed.body.id).code as string;
    assert.match(code, /^[0-9]{6}$/);
    const o = String(placed.body.id).slice(0, 8);
    assert.equal(message!.text, `【直播团购】订单 ${o} 已到 leader-1 自提点，取件码 ${code}。Order ${o} is at leader-1 自提点: pickup code ${code}.`);
    await settled();
    assert.equal(to(phone).length, 1, 'paid, packed and out-for-delivery are inbox-only');
  });

  it('sms - half a relay setting refuses to start, naming both variables', async () => {
    for (const half of [{ NOTICE_SMS_RELAY_URL: relay.url }, { NOTICE_SMS_RELAY_SECRET: RELAY_SECRET }]) {
      await assert.rejects(startLiveRoom(parseConfig(configShape, { ...p.iso.env('live-room-half'), MEDIA_ENABLED: 'false', ...half })), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /NOTICE_SMS_RELAY_URL and NOTICE_SMS_RELAY_SECRET: set both/);
        return true;
      });
    }
  });

  it('sms - a large failed group buy texts every buyer exactly once, never more than NOTICE_DELIVERY_CONCURRENCY at a time', async () => {
    const buyers = Array.from({ length: 24 }, () => ({ id: `gb-${randomUUID().slice(0, 8)}`, phone: `+86${newPhone()}` }));
    await p.core.gateway.identity.ensureUsers(buyers.map((b) => ({ ...b, role: 'buyer' as const, name: b.id })), 'admin');
    relay.load.delayMs = 150;
    relay.load.maxInFlight = 0;
    const failed = { groupBuyId: randomUUID(), title: '车厘子 Cherries', orderIds: buyers.map(() => randomUUID()), buyerIds: buyers.map((b) => b.id) };
    const started = Date.now();
    try {
      await publish('order.group_buy.failed', failed);
      await poll('every buyer texted', async () => (buyers.every((b) => relay.received.some((m) => m.to === b.phone)) ? true : undefined), 60_000);
      const elapsed = Date.now() - started;
      await publish('order.group_buy.failed', failed);
      await settled();
      for (const b of buyers) assert.equal(relay.received.filter((m) => m.to === b.phone).length, 1, b.id);
      assert.ok(relay.load.maxInFlight <= CONCURRENCY, `at most ${CONCURRENCY} in flight, saw ${relay.load.maxInFlight}`);
      // Side by side rather than one after another: 24 sends of 150 ms each would take 3.6 s in a row.
      assert.ok(relay.load.maxInFlight > 1, `sent side by side, saw ${relay.load.maxInFlight} at most`);
      assert.ok(elapsed < 24 * 150, `took ${elapsed} ms`);
    } finally {
      relay.load.delayMs = 0;
    }
  });

  it('sms - the sender signature is configuration; production refuses the placeholder while SMS is on', async () => {
    const { phone, api } = await phoneBuyer();
    const pod = p.pods[0]!;
    const signed = new SmsNoticeChannel(new NoticeDeliveryStore(pod.runtime.pool!, 60_000), identity, new HttpSmsRelay(relay.url, RELAY_SECRET, pod.runtime.logger), pod.runtime.logger, '【鲜果社区】');
    await signed.deliver(api.userId, noticeView(await newNoticeId(api.userId, 'GROUP_BUY_FAILED'), 'GROUP_BUY_FAILED'));
    assert.match(to(phone)[0]!.text, /^【鲜果社区】您参加的拼团未成团/);

    const base = { ...p.iso.env('live-room-prod'), MEDIA_ENABLED: 'false' };
    assert.equal(parseConfig(configShape, base).NOTICE_SMS_SIGNATURE, PLACEHOLDER_SMS_SIGNATURE, 'development keeps the placeholder');
    for (const bad of ['直播团购', '【】', '【a b】']) assert.throws(() => parseConfig(configShape, { ...base, NOTICE_SMS_SIGNATURE: bad }), /NOTICE_SMS_SIGNATURE: must be a sender signature/);
    const production = { ...base, NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), CORS_ORIGINS: 'https://shop.example.com', NOTICE_SMS_RELAY_URL: relay.url, NOTICE_SMS_RELAY_SECRET: RELAY_SECRET };
    await assert.rejects(startLiveRoom(parseConfig(configShape, production)), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /NOTICE_SMS_SIGNATURE: must be the operator's registered sender signature in production/);
      return true;
    });
  });

  it('identity gRPC - only existing users’ phones, 1 to 100 distinct ids; bad input is refused', async () => {
    const { phone, api } = await phoneBuyer();
    const get = (userIds: string[]) => identity.call((c) => c.getContacts, { userIds });
    assert.deepEqual((await get([api.userId, 'buyer-9301', 'nobody-at-all'])).contacts, [{ userId: api.userId, phone: `+86${phone}`, wechatOpenid: '' }]);
    assert.equal((await get(Array.from({ length: 100 }, (_, i) => (i ? `nobody-${i}` : api.userId)))).contacts.length, 1);
    for (const [userIds, problem] of [
      [[], /^userIds: from 1 to 100/],
      [Array.from({ length: 101 }, (_, i) => `u-${i}`), /^userIds: from 1 to 100/],
      [[''], /^userIds: each must be 1 to 128/],
      [['x'.repeat(129)], /^userIds: each must be 1 to 128/],
      [[api.userId, api.userId], /^userIds: each id at most once/],
    ] as const) {
      const refusal = await get([...userIds]).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(isDomainError(refusal), `refused: ${String(refusal)}`);
      assert.equal(refusal.code, 'INVALID_ARGUMENT');
      assert.match(refusal.message, problem);
    }
  });
});
