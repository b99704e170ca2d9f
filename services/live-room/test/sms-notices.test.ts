// SMS notices against the real services: the gateway's IdentityService gives a buyer's phone, the
// live-room inbox texts the kinds a buyer wants by SMS through the operator's relay (played here by
// a test HTTP server, since it is outside our system, that checks every request's signature), at
// most once per notice however often the event comes or however many pods try; a relay failure is
// recorded, not thrown; a user without a phone gets nothing; bad GetContacts input is refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { ConfigError, HttpSmsRelay, isDomainError, parseConfig, RpcClient, type EventBus } from '@lc/kit';
import { IdentityServiceClient, type NoticeView } from '@lc/contracts';
import { Api, shareToken, stockProduct } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { NOTICE_CONSUMERS } from '../src/adapters/notice-consumer.js';
import { NoticeDeliveryStore } from '../src/adapters/notice-delivery-store.js';
import { SmsNoticeChannel } from '../src/adapters/sms-channel.js';
import { configShape } from '../src/config.js';
import { startLiveRoom } from '../src/service.js';
import { startPlatform, type Platform } from './harness.js';

const RELAY_SECRET = 'test-relay-secret-0123456789abcdef-xyz';

interface Received {
  to: string;
  text: string;
}

/** The operator's relay: takes signed `{to, text}` posts; answers 500 for phones in `failing`. */
async function startRelay() {
  const received: Received[] = [];
  const badSignatures: string[] = [];
  const failing = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
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
  return { url, received, badSignatures, failing, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const orderEvent = (orderId: string, buyerId: string, status: string, extra: Record<string, unknown> = {}) => ({
  orderId, buyerId, leaderId: 'leader-1', liveSessionId: '', flashSaleId: '', skuId: 'sku-x', warehouseId: 'wh-1', qty: 1, totalFen: 2990, status, atMs: Date.now(), ...extra,
});

let phoneSeq = 0;
const newPhone = () => `137${String(Date.now() % 1e5).padStart(5, '0')}${String(phoneSeq++).padStart(3, '0')}`;

describe('SMS notices', { timeout: 300_000 }, () => {
  let p: Platform;
  let bus: EventBus;
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let identity: RpcClient<IdentityServiceClient>;
  const publish = (subject: string, payload: unknown) => bus.publish(subject, payload, randomUUID());
  const to = (phone: string) => relay.received.filter((m) => m.to === `+86${phone}`);

  /** Waits until every inbox consumer has handled (and acked) everything published so far. */
  async function settled() {
    const jsm = await bus.nc.jetstreamManager();
    for (const [durable, { stream }] of Object.entries(NOTICE_CONSUMERS)) {
      await poll(`${durable} to catch up`, async () => {
        const info = await jsm.consumers.info(bus.streamName(stream), `${bus.prefix}_${durable}`);
        return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
      }, 30_000);
    }
  }

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

  /** The SMS delivery record of the user's notice from `sourceKey` (undefined: none). */
  async function delivery(userId: string, sourceKey: string) {
    const { rows } = await p.pods[0]!.runtime.pool!.query<{ status: string; detail: string | null }>(
      `SELECT d.status, d.detail FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.user_id = $1 AND n.source_key = $2 AND d.channel = 'sms'`,
      [userId, sourceKey],
    );
    return rows[0];
  }

  before(async () => {
    relay = await startRelay();
    p = await startPlatform({ pods: 2, env: { NOTICE_SMS_RELAY_URL: relay.url, NOTICE_SMS_RELAY_SECRET: RELAY_SECRET } });
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
    const channels = p.pods.map((pod) => new SmsNoticeChannel(new NoticeDeliveryStore(pod.runtime.pool!), identity, new HttpSmsRelay(relay.url, RELAY_SECRET, pod.runtime.logger), pod.runtime.logger));
    await Promise.all(channels.map((c) => c.deliver(api.userId, group)));
    await Promise.all(channels.map((c) => c.deliver(api.userId, group)));
    const texts = to(phone).map((m) => m.text);
    assert.equal(texts.length, 2, JSON.stringify(texts));
    assert.equal(texts[1], `【直播团购】您参加的拼团未成团，订单 ${o} 将全额退款。Your group buy did not reach its minimum: order ${o} will be refunded in full.`);
    assert.deepEqual(relay.badSignatures, []);
  });

  /** A real inbox row of `userId` (deliveries reference notices), recorded as the inbox does. */
  async function newNoticeId(userId: string, kind: string): Promise<string> {
    const id = randomUUID();
    await p.pods[0]!.runtime.pool!.query(`INSERT INTO notices (id, user_id, source_key, kind, title, body) VALUES ($1, $2, $3, $4, 't', 'b')`, [id, userId, `test:${id}`, kind]);
    return id;
  }

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

  it('identity gRPC - only existing users’ phones, 1 to 100 distinct ids; bad input is refused', async () => {
    const { phone, api } = await phoneBuyer();
    const get = (userIds: string[]) => identity.call((c) => c.getContacts, { userIds });
    assert.deepEqual((await get([api.userId, 'buyer-9301', 'nobody-at-all'])).contacts, [{ userId: api.userId, phone: `+86${phone}` }]);
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
