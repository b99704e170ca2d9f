// WeChat against the real services: a buyer links their WeChat through the gateway's OAuth routes
// (a forged, another user's, reused or expired state changes nothing), the gateway's
// IdentityService gives the openid, and the live-room inbox sends the kinds also sent by SMS as
// template messages, once per notice over replays and pods, with one access token shared by the
// pods through Redis and refreshed once when WeChat calls it stale. WeChat is played by a local
// server speaking its documented protocol (test-support/wechat-server), which checks each request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, parseConfig, RpcClient, WeChatMessages, type EventBus } from '@lc/kit';
import { IdentityServiceClient } from '@lc/contracts';
import { Api } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { startWeChatServer, type WeChatServer } from '../../../test-support/wechat-server.js';
import { configShape as gatewayShape } from '../../gateway/src/config.js';
import { startGateway } from '../../gateway/src/service.js';
import { WeChatLinkStates } from '../../gateway/src/adapters/wechat-link-states.js';
import { NoticeDeliveryStore } from '../src/adapters/notice-delivery-store.js';
import { WeChatNoticeChannel } from '../src/adapters/wechat-channel.js';
import { configShape } from '../src/config.js';
import { startLiveRoom } from '../src/service.js';
import { startPlatform, type Platform } from './harness.js';
import { deliveryOf, insertNotice, noticeView, orderEvent, settled as settledAll } from './notice-events.js';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'test-wechat-app-secret-0123456789abcdef';
const TEMPLATE_ID = 'tmpl_order_status_0001';
const REDIRECT = 'https://shop.example.com/orders.html';

describe('WeChat linking and notices', { timeout: 300_000 }, () => {
  let p: Platform;
  let bus: EventBus;
  let wechat: WeChatServer;
  let identity: RpcClient<IdentityServiceClient>;
  const publish = (subject: string, payload: unknown) => bus.publish(subject, payload, randomUUID());
  const settled = () => settledAll(bus);
  const delivery = (userId: string, sourceKey: string) => deliveryOf(p.pods[0]!.runtime.pool!, 'wechat', userId, sourceKey);
  const contactOf = async (userId: string) => (await identity.call((c) => c.getContacts, { userIds: [userId] })).contacts[0];
  let buyerSeq = 0;
  const newBuyer = () => Api.login(p.core.url, `buyer-${7000 + Math.floor(Math.random() * 900) * 10 + buyerSeq++}`);

  /** The page's part of linking: ask for the authorize URL, come back from WeChat with a code. */
  async function authorize(api: Api): Promise<string> {
    const r = await api.get('/api/v1/me/wechat/authorize');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const url = new URL(r.body.url);
    assert.equal(`${url.origin}${url.pathname}`, 'https://open.weixin.qq.com/connect/oauth2/authorize');
    assert.equal(url.hash, '#wechat_redirect');
    assert.deepEqual(
      { appid: url.searchParams.get('appid'), redirect_uri: url.searchParams.get('redirect_uri'), response_type: url.searchParams.get('response_type'), scope: url.searchParams.get('scope') },
      { appid: APP_ID, redirect_uri: REDIRECT, response_type: 'code', scope: 'snsapi_base' },
    );
    const state = url.searchParams.get('state')!;
    assert.match(state, /^[0-9a-f]{64}$/, 'WeChat takes letters and digits, at most 128');
    return state;
  }

  async function linkedBuyer(openid = `o_${randomBytes(12).toString('hex')}`): Promise<{ api: Api; openid: string }> {
    const api = await newBuyer();
    const state = await authorize(api);
    const r = await api.post('/api/v1/me/wechat/link', { code: wechat.authorize(openid), state });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return { api, openid };
  }

  before(async () => {
    wechat = await startWeChatServer({ appId: APP_ID, appSecret: APP_SECRET, templateId: TEMPLATE_ID });
    const weChatEnv = { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET, WECHAT_API_BASE: wechat.base };
    p = await startPlatform({
      pods: 2,
      env: { ...weChatEnv, WECHAT_NOTICE_TEMPLATE_ID: TEMPLATE_ID, WECHAT_NOTICE_URL: REDIRECT },
      core: { gateway: { ...weChatEnv, WECHAT_OAUTH_REDIRECT_URL: REDIRECT } },
    });
    bus = p.core.order.runtime.bus!;
    identity = new RpcClient(IdentityServiceClient, `127.0.0.1:${p.core.gateway.runtime.grpcPort}`);
  });
  after(async () => {
    identity?.close();
    await p?.stop();
    await wechat?.close();
  });

  it('link - a buyer links WeChat through OAuth; forged, other users’, reused and expired states change nothing; unlink', async () => {
    const api = await newBuyer();
    assert.deepEqual((await api.get('/api/v1/me/wechat')).body, { available: true, linked: false, linkedAt: null });
    const openid = `o_${randomBytes(12).toString('hex')}`;
    const state = await authorize(api);
    const other = await newBuyer();
    const otherState = await authorize(other);

    const refusals: [string, unknown][] = [
      ['a forged state', { code: wechat.authorize(openid), state: randomBytes(32).toString('hex') }],
      ['a tampered state', { code: wechat.authorize(openid), state: `${state.slice(0, 63)}${state.at(-1) === '0' ? '1' : '0'}` }],
      ['another user’s state', { code: wechat.authorize(openid), state: otherState }],
      ['a state of the wrong shape', { code: wechat.authorize(openid), state: 'not-a-state' }],
      ['no code', { state }],
      ['a malformed code', { code: 'bad code!', state }],
    ];
    for (const [what, body] of refusals) {
      const r = await api.post('/api/v1/me/wechat/link', body);
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await api.get('/api/v1/me/wechat')).body.linked, false);
    assert.equal(await contactOf(api.userId), undefined, 'no contact for a user with neither phone nor WeChat');

    // The state survived the refusals above (none reached the state check with it and a valid shape), so it links now.
    const linked = await api.post('/api/v1/me/wechat/link', { code: wechat.authorize(openid), state });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.linked, true);
    assert.deepEqual(await contactOf(api.userId), { userId: api.userId, phone: '', wechatOpenid: openid });

    // Used once: the same state with a fresh code is refused, and the link stays as it was.
    const reused = await api.post('/api/v1/me/wechat/link', { code: wechat.authorize('o_someone_else'), state });
    assert.equal(reused.status, 400, JSON.stringify(reused.body));
    assert.match(reused.body.message, /^state: not a current WeChat link request of yours/);
    assert.equal((await contactOf(api.userId))!.wechatOpenid, openid);

    // A code WeChat refuses (used already) is the buyer's 400, not our 5xx.
    const usedCode = wechat.authorize('o_used');
    await linkedBuyerWith(usedCode);
    const again = await api.post('/api/v1/me/wechat/link', { code: usedCode, state: await authorize(api) });
    assert.equal(again.status, 400, JSON.stringify(again.body));
    assert.match(again.body.message, /errcode 40163/);

    // One WeChat, one account.
    const taken = await other.post('/api/v1/me/wechat/link', { code: wechat.authorize(openid), state: otherState });
    assert.equal(taken.status, 409, JSON.stringify(taken.body));
    assert.equal(await contactOf(other.userId), undefined);

    // Only buyers link.
    assert.equal((await (await Api.login(p.core.url, 'leader-1')).get('/api/v1/me/wechat/authorize')).status, 403);

    const unlinked = await api.request('DELETE', '/api/v1/me/wechat');
    assert.deepEqual(unlinked.body, { available: true, linked: false, linkedAt: null });
    assert.equal(await contactOf(api.userId), undefined);

    // Two tabs posting the same state at once: one links, the other is refused.
    const raced = await authorize(api);
    const answers = await Promise.all(['o_tab_one', 'o_tab_two'].map((o) => api.post('/api/v1/me/wechat/link', { code: wechat.authorize(o), state: raced })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400], JSON.stringify(answers.map((a) => a.body)));
    assert.match((await contactOf(api.userId))!.wechatOpenid, /^o_tab_(one|two)$/);
    wechat.assertClean();

    async function linkedBuyerWith(code: string) {
      const b = await newBuyer();
      assert.equal((await b.post('/api/v1/me/wechat/link', { code, state: await authorize(b) })).status, 200);
    }
  });

  it('link - a state expires', async () => {
    const states = new WeChatLinkStates(p.core.gateway.runtime.redis!, `${p.core.gateway.runtime.config.REDIS_PREFIX}expiry-test:`, 'x'.repeat(32), 1);
    const state = await states.issue('buyer-1');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.equal(await states.consume('buyer-1', state), false);
    const fresh = await states.issue('buyer-1');
    assert.equal(await states.consume('buyer-2', fresh), false, 'another user’s');
    assert.equal(await states.consume('buyer-1', fresh), true);
    assert.equal(await states.consume('buyer-1', fresh), false, 'used');
  });

  it('notices - a refund becomes one template message; replays and two pods send nothing more; one token for every pod', async () => {
    const { api, openid } = await linkedBuyer();
    const orderId = randomUUID();
    const refunded = orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: 'pay-1', refundFen: 2990 });
    await publish('order.refunded', refunded);
    await publish('order.paid', orderEvent(orderId, api.userId, 'PAID'));
    const [message] = await poll('the refund message', async () => (wechat.sentTo(openid).length ? wechat.sentTo(openid) : undefined), 30_000);
    assert.deepEqual(message, {
      touser: openid,
      template_id: TEMPLATE_ID,
      url: REDIRECT,
      data: { character_string1: { value: orderId.slice(0, 8) }, phrase2: { value: '已退款' }, thing3: { value: '¥29.90 已原路退回' } },
    });
    for (let i = 0; i < 3; i++) await publish('order.refunded', refunded);
    await settled();
    assert.equal(wechat.sentTo(openid).length, 1);
    assert.deepEqual(await delivery(api.userId, `order.refunded:${orderId}`), { status: 'sent', detail: null });
    assert.equal(await delivery(api.userId, `order.paid:${orderId}`), undefined, 'ORDER_PAID stays in the inbox');

    // Both pods' channels at once on one new notice: one message.
    const id = randomUUID();
    await insertNotice(p.pods[0]!.runtime.pool!, id, api.userId, 'READY_FOR_PICKUP');
    const ready = noticeView(id, 'READY_FOR_PICKUP', { orderId, pickupCode: '123456', pickupPointName: 'leader-1 自提点' });
    const channels = p.pods.map((pod) => channelOf(pod.runtime));
    await Promise.all([...channels, ...channels].map((c) => c.deliver(api.userId, ready)));
    const sent = wechat.sentTo(openid);
    assert.equal(sent.length, 2, JSON.stringify(sent));
    // thing fields hold 20 characters: the point's name is cut, the code never.
    assert.deepEqual(sent[1]!.data, { character_string1: { value: orderId.slice(0, 8) }, phrase2: { value: '待取件' }, thing3: { value: '取件码123456 leader-1 …' } });
    assert.deepEqual(wechat.tokenRequests, [{ forceRefresh: false }], 'one token for both pods and every send');
    wechat.assertClean();
  });

  it('notices - a WeChat send claimed by a pod that died is taken over once when its event comes again', async () => {
    const { api, openid } = await linkedBuyer();
    const pool = p.pods[0]!.runtime.pool!;
    const orderId = randomUUID();
    const sourceKey = `order.refunded:${orderId}`;
    // What the dead pod left: the notice recorded and its WeChat send claimed 10 minutes ago.
    await insertNotice(pool, randomUUID(), api.userId, 'REFUND_ISSUED', sourceKey, orderId);
    await pool.query(`INSERT INTO notice_deliveries (notice_id, channel, status, updated_at) SELECT id, 'wechat', 'sending', now() - interval '10 minutes' FROM notices WHERE source_key = $1`, [sourceKey]);
    const refunded = orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: 'pay-dead', refundFen: 990 });
    await Promise.all(p.pods.map((pod) => pod.notices.fromEvent('order.refunded', refunded)));
    assert.equal(wechat.sentTo(openid).length, 1);
    assert.deepEqual(await delivery(api.userId, sourceKey), { status: 'sent', detail: null });
    const { rows } = await pool.query(`SELECT d.attempt FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.source_key = $1 AND d.channel = 'wechat'`, [sourceKey]);
    assert.deepEqual(rows, [{ attempt: 2 }]);
    wechat.assertClean();
  });

  type Runtime = Platform['pods'][number]['runtime'];
  /** A WeChat client as a pod builds it, on that pod's Redis (under `prefix`: the pods' own by default). */
  const messagesOn = (runtime: Runtime, prefix = runtime.config.REDIS_PREFIX) => new WeChatMessages({ appId: APP_ID, appSecret: APP_SECRET, apiBase: wechat.base }, runtime.redis!, prefix, runtime.logger);
  /** A channel as a pod builds it, on that pod's Postgres and Redis. */
  const channelOf = (runtime: Runtime, templateId = TEMPLATE_ID) =>
    new WeChatNoticeChannel(new NoticeDeliveryStore(runtime.pool!, 60_000), identity, messagesOn(runtime), { id: templateId, url: REDIRECT }, runtime.logger);

  it('notices - a token WeChat calls stale (40001, 42001) is refreshed once and the message goes out once', async () => {
    const { api, openid } = await linkedBuyer();
    for (const [what, invalidate] of [['40001', () => wechat.rotateToken()], ['42001', () => wechat.expireToken()]] as const) {
      const before = { tokens: wechat.tokenRequests.length, stale: wechat.staleTokenAnswers, sent: wechat.sentTo(openid).length };
      invalidate();
      const orderId = randomUUID();
      await publish('order.refunded', orderEvent(orderId, api.userId, 'REFUNDED', { paymentId: `pay-${what}`, refundFen: 100 }));
      await settled();
      assert.equal(wechat.sentTo(openid).length, before.sent + 1, what);
      assert.equal(wechat.staleTokenAnswers, before.stale + 1, `${what}: refused once`);
      assert.equal(wechat.tokenRequests.length, before.tokens + 1, `${what}: one new token`);
      assert.deepEqual(await delivery(api.userId, `order.refunded:${orderId}`), { status: 'sent', detail: null });
    }

    // No token cached yet (a fresh prefix), ten sends at once from two pods: one fetch, the rest wait for it.
    const prefix = `${p.pods[0]!.runtime.config.REDIS_PREFIX}cold-${randomUUID().slice(0, 8)}:`;
    const senders = p.pods.map((pod) => messagesOn(pod.runtime, prefix));
    const tokensBefore = wechat.tokenRequests.length;
    const data = { character_string1: 'x', phrase2: '已退款', thing3: 'y' };
    await Promise.all(Array.from({ length: 10 }, (_, i) => senders[i % 2]!.sendTemplate({ openid, templateId: TEMPLATE_ID, data })));
    assert.equal(wechat.tokenRequests.length, tokensBefore + 1, 'one pod fetched the token');
    wechat.assertClean();
  });

  it('notices - an unfollowed Official Account (43004) is skipped, a user without WeChat is skipped, a refusal is recorded as failed', async () => {
    const { api, openid } = await linkedBuyer();
    wechat.unsubscribed.add(openid);
    const o1 = randomUUID();
    await publish('order.group_buy.failed', { groupBuyId: randomUUID(), title: '车厘子', orderIds: [o1], buyerIds: [api.userId] });
    await settled();
    const { rows } = await p.pods[0]!.runtime.pool!.query<{ status: string; detail: string }>(
      `SELECT d.status, d.detail FROM notice_deliveries d JOIN notices n ON n.id = d.notice_id WHERE n.user_id = $1 AND n.kind = 'GROUP_BUY_FAILED' AND d.channel = 'wechat'`,
      [api.userId],
    );
    assert.deepEqual(rows, [{ status: 'skipped', detail: 'the user does not follow the Official Account' }]);
    assert.equal(wechat.sentTo(openid).length, 0);

    const plain = await newBuyer();
    const o2 = randomUUID();
    const sentBefore = wechat.sent.length;
    await publish('order.refunded', orderEvent(o2, plain.userId, 'REFUNDED', { paymentId: 'pay-x', refundFen: 100 }));
    await settled();
    assert.deepEqual(await delivery(plain.userId, `order.refunded:${o2}`), { status: 'skipped', detail: 'the user has not linked WeChat' });
    assert.equal(wechat.sent.length, sentBefore);

    // A template id WeChat does not know: refused with an errcode, recorded, the event still handled.
    const pod = p.pods[0]!.runtime;
    const wrong = channelOf(pod, 'tmpl_nobody_picked_this');
    wechat.unsubscribed.delete(openid);
    const id = randomUUID();
    await insertNotice(pod.pool!, id, api.userId, 'REFUND_ISSUED');
    await wrong.deliver(api.userId, noticeView(id, 'REFUND_ISSUED', { orderId: o1, refundFen: 100 }));
    const { rows: failed } = await pod.pool!.query(`SELECT status, detail FROM notice_deliveries WHERE notice_id = $1 AND channel = 'wechat'`, [id]);
    assert.deepEqual(failed, [{ status: 'failed', detail: 'WeChat refused the message (errcode 40037)' }]);
    wechat.assertClean();
  });

  it('config - half a WeChat setting refuses to start, in the live room and the gateway', async () => {
    const liveRoomBase = { ...p.iso.env('live-room-half'), MEDIA_ENABLED: 'false' };
    for (const half of [{ WECHAT_APP_ID: APP_ID }, { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET }, { WECHAT_NOTICE_TEMPLATE_ID: TEMPLATE_ID }]) {
      await assert.rejects(startLiveRoom(parseConfig(configShape, { ...liveRoomBase, ...half })), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_NOTICE_TEMPLATE_ID: set all \(WeChat on\) or none \(off\)/);
        return true;
      });
    }
    await assert.rejects(startGateway(parseConfig(gatewayShape, { ...p.iso.env('gateway-half'), WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET })), /WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_OAUTH_REDIRECT_URL: set all/);
    assert.throws(() => parseConfig(configShape, { ...liveRoomBase, WECHAT_APP_ID: 'not-an-app-id' }), /WECHAT_APP_ID: must be an Official Account AppID/);
    assert.throws(() => parseConfig(configShape, { ...liveRoomBase, WECHAT_APP_SECRET: 'short' }), /WECHAT_APP_SECRET: must be at least 32 characters/);
    // Production talks to WeChat and sends buyers to pages over https only.
    const production = { NODE_ENV: 'production', WECHAT_API_BASE: wechat.base, WECHAT_NOTICE_URL: 'http://shop.example.com/orders.html', WECHAT_OAUTH_REDIRECT_URL: 'http://shop.example.com/orders.html' };
    assert.throws(() => parseConfig(configShape, { ...liveRoomBase, ...production }), (e: unknown) => {
      assert.match(String(e), /WECHAT_API_BASE: must be an https URL in production/);
      assert.match(String(e), /WECHAT_NOTICE_URL: must be an https URL in production/);
      return true;
    });
    assert.throws(() => parseConfig(gatewayShape, { ...p.iso.env('gateway-prod'), ...production }), /WECHAT_OAUTH_REDIRECT_URL: must be an https URL in production/);
    const fine = parseConfig(configShape, { ...liveRoomBase, WECHAT_APP_ID: APP_ID });
    assert.equal(fine.WECHAT_API_BASE, 'https://api.weixin.qq.com', 'WeChat itself by default');
  });

  it('identity gRPC - openids only for the ids asked; bad input is refused', async () => {
    const { api, openid } = await linkedBuyer();
    const { contacts } = await identity.call((c) => c.getContacts, { userIds: [api.userId, 'nobody-at-all'] });
    assert.deepEqual(contacts, [{ userId: api.userId, phone: '', wechatOpenid: openid }]);
    for (const userIds of [[], [''], [api.userId, api.userId]]) {
      await assert.rejects(identity.call((c) => c.getContacts, { userIds }), /userIds:/);
    }
  });

  it('link - off (404) when WeChat is not configured; the status says unavailable', async () => {
    const plain = await startPlatform({ pods: 1 });
    try {
      const api = await Api.login(plain.core.url, 'buyer-7999');
      assert.deepEqual((await api.get('/api/v1/me/wechat')).body, { available: false, linked: false, linkedAt: null });
      assert.equal((await api.get('/api/v1/me/wechat/authorize')).status, 404);
      assert.equal((await api.post('/api/v1/me/wechat/link', { code: 'abc', state: 'f'.repeat(64) })).status, 404);
    } finally {
      await plain.stop();
    }
  });
});
