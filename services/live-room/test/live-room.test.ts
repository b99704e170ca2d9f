// The live room over real sockets against the real core services: chat and moderation, role
// checks, malformed events, the in-stream flash sale (countdown, orders, sold out, payment pushed),
// coalesced stock, and two live-room pods sharing one room through Redis.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient } from '@lc/kit';
import { LiveRoomServiceClient, type ChatMessage, type Stock } from '@lc/contracts';
import { connect as natsConnect } from 'nats';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { NATS_URL } from '../../../test-support/isolation.js';
import { ask, collect, next, sleep, startPlatform, type Platform } from './harness.js';

describe('live room (one pod)', () => {
  let p: Platform;
  let sessionId: string;
  let skuId: string;

  before(async () => {
    p = await startPlatform({ env: { CHAT_RATE_LIMIT: '5', CHAT_RATE_WINDOW_MS: '60000', STOCK_UPDATE_INTERVAL_MS: '250' } });
    sessionId = await p.liveSession('leader-1');
    const leaderApi = await Api.login(p.core.url, 'leader-1');
    ({ skuId } = await createFlashSale(leaderApi, { quantity: 1, perBuyerLimit: 1, stock: 1000 }));
  });
  after(() => p.stop());

  it('socket auth - a connection without a valid token is refused', async () => {
    await assert.rejects(p.socket('nobody-with-a-bad-token').catch(() => Promise.reject(new Error('login'))));
    const { io } = await import('socket.io-client');
    const s = io(p.pods[0]!.url, { auth: { token: 'not-a-jwt' }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    s.disconnect();
    assert.equal(err.message, 'UNAUTHENTICATED');
  });

  it('chat - messages cross both ways and the viewer count follows joins', async () => {
    const leader = await p.socket('leader-1');
    const buyer = await p.socket('buyer-1');
    const joinedLeader = await ask(leader, 'session:join', { sessionId });
    assert.ok(joinedLeader.ok && joinedLeader.data.isHost, JSON.stringify(joinedLeader));
    const counted = next(leader, 'session:viewers', (v: { count: number }) => v.count >= 2);
    const joined = await ask(buyer, 'session:join', { sessionId });
    assert.ok(joined.ok && !joined.data.isHost);
    assert.equal(joined.data.session.status, 'LIVE');
    assert.equal((await counted).count, 2);

    const atLeader = next(leader, 'chat:message', (m: ChatMessage) => m.userId === 'buyer-1');
    const sent = await ask(buyer, 'chat:send', { text: '  有优惠吗？ any discount?  ' });
    assert.ok(sent.ok);
    assert.equal((await atLeader).text, '有优惠吗？ any discount?');
    const atBuyer = next(buyer, 'chat:message', (m: ChatMessage) => m.userId === 'leader-1');
    assert.ok((await ask(leader, 'chat:send', { text: '马上开抢 starting soon' })).ok);
    assert.equal((await atBuyer).text, '马上开抢 starting soon');

    const late = await p.socket('buyer-2');
    const history = await ask(late, 'session:join', { sessionId });
    assert.ok(history.ok);
    assert.deepEqual(history.data.chat.map((m: { text: string }) => m.text).slice(-2), ['有优惠吗？ any discount?', '马上开抢 starting soon']);
  });

  it('moderation - a buyer cannot pin, start sales or moderate', async () => {
    const buyer = await p.socket('buyer-3');
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    const refusals = await Promise.all([
      ask(buyer, 'product:pin', { productId: '00000000-0000-4000-8000-000000000000' }),
      ask(buyer, 'product:unpin', {}),
      ask(buyer, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 100, quantity: 1 }),
      ask(buyer, 'sale:end', {}),
      ask(buyer, 'chat:mute', { userId: 'buyer-1' }),
      ask(buyer, 'chat:unmute', { userId: 'buyer-1' }),
      ask(buyer, 'chat:delete', { messageId: 'x' }),
      ask(buyer, 'media:produce', { transportId: 't', kind: 'video', rtpParameters: {} }),
    ]);
    for (const r of refusals) assert.deepEqual({ ok: r.ok, code: !r.ok && r.code }, { ok: false, code: 'FORBIDDEN' }, JSON.stringify(r));
    // A leader of another session is a buyer-like viewer here.
    const otherLeader = await p.socket('leader-2');
    assert.ok((await ask(otherLeader, 'session:join', { sessionId })).ok);
    const r = await ask(otherLeader, 'chat:mute', { userId: 'buyer-3' });
    assert.equal(!r.ok && r.code, 'FORBIDDEN');
  });

  it('moderation - a muted buyer is refused with the reason; deleted messages vanish; blocked words and rate limits hold', async () => {
    const leader = await p.socket('leader-1');
    const buyer = await p.socket('buyer-4');
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);

    const first = await ask(buyer, 'chat:send', { text: 'spam spam' });
    assert.ok(first.ok);
    const deleted = next(buyer, 'chat:deleted');
    assert.ok((await ask(leader, 'chat:delete', { messageId: first.data.message.id })).ok);
    assert.equal((await deleted).messageId, first.data.message.id);
    const again = await ask(buyer, 'session:join', { sessionId });
    assert.ok(again.ok && !again.data.chat.some((m: { id: string }) => m.id === first.data.message.id));

    const blocked = await ask(buyer, 'chat:send', { text: '加 微 信 领红包' });
    assert.equal(!blocked.ok && blocked.code, 'BLOCKED_WORD');
    const tooLong = await ask(buyer, 'chat:send', { text: '长'.repeat(201) });
    assert.equal(!tooLong.ok && tooLong.code, 'INVALID_ARGUMENT');

    const mutedEvent = next(buyer, 'chat:muted');
    const mute = await ask(leader, 'chat:mute', { userId: 'buyer-4', minutes: 5, reason: '刷屏 flooding' });
    assert.ok(mute.ok);
    assert.equal((await mutedEvent).userId, 'buyer-4');
    const refused = await ask(buyer, 'chat:send', { text: 'hello?' });
    assert.ok(!refused.ok);
    assert.equal(refused.code, 'MUTED');
    assert.match(refused.message, /刷屏 flooding/);
    assert.equal(refused.details?.reason, '刷屏 flooding');
    assert.ok((await ask(leader, 'chat:unmute', { userId: 'buyer-4' })).ok);
    assert.ok((await ask(buyer, 'chat:send', { text: 'thanks' })).ok);

    const spammer = await p.socket('buyer-5');
    assert.ok((await ask(spammer, 'session:join', { sessionId })).ok);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await ask(spammer, 'chat:send', { text: `msg ${i}` }));
    assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.code)), ['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED']);
  });

  it('chat - blocked words disguised by zero-width, full-width, bidi or case are refused; allowed text is stored and broadcast as sent', async () => {
    const buyer = await p.socket('buyer-41');
    const watcher = await p.socket('buyer-42');
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    assert.ok((await ask(watcher, 'session:join', { sessionId })).ok);
    for (const text of ['加\u200B微\u200D信 领红包', 'ＦＵＣＫ', 's\u202Eh\u2066i\u2069t', 'FuCk\u00AD']) {
      const r = await ask(buyer, 'chat:send', { text });
      assert.equal(r.ok ? 'sent' : r.code, 'BLOCKED_WORD', JSON.stringify(text));
    }
    const sent = 'ＡＢＣ 好货\u200B！ Ｆｕｎ';
    const seen = next(watcher, 'chat:message', (m: ChatMessage) => m.userId === 'buyer-41');
    const r = await ask(buyer, 'chat:send', { text: sent });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.data.message.text, sent);
    assert.equal((await seen).text, sent);
    const history = await ask(watcher, 'session:join', { sessionId });
    assert.ok(history.ok);
    assert.equal(history.data.chat.filter((m: { userId: string }) => m.userId === 'buyer-41').map((m: { text: string }) => m.text).join('|'), sent);
  });

  it('malformed events - every one gets an error ack and the process keeps serving', async () => {
    const buyer = await p.socket('buyer-6');
    const notJoined = await ask(buyer, 'chat:send', { text: 'hi' });
    assert.equal(!notJoined.ok && notJoined.code, 'NOT_JOINED');
    const bad: [string, unknown][] = [
      ['session:join', null],
      ['session:join', { sessionId: 42 }],
      ['session:join', 'not-an-object'],
      ['session:join', { sessionId: 'no-such-session' }],
      ['chat:send', { text: { $gt: '' } }],
      ['chat:send', 123],
      ['order:place', { flashSaleId: 'x', qty: 'lots', idempotencyKey: '' }],
      ['order:place', { flashSaleId: '00000000-0000-4000-8000-000000000000', qty: 1e9, idempotencyKey: 'k' }],
      ['order:pay', { orderId: [] }],
      ['media:createTransport', { direction: 'sideways' }],
      ['media:consume', 'garbage'],
      ['product:pin', { productId: '../../etc' }],
    ];
    for (const [event, payload] of bad) {
      const r = await ask(buyer, event, payload);
      assert.equal(r.ok, false, `${event} ${JSON.stringify(payload)}`);
      assert.ok(!r.ok && ['INVALID_ARGUMENT', 'NOT_FOUND', 'NOT_JOINED'].includes(r.code), `${event}: ${JSON.stringify(r)}`);
    }
    // No ack function, binary junk and unknown events must not crash anything either.
    buyer.emit('chat:send', { text: 'no ack' });
    buyer.emit('order:place', Buffer.from([0xde, 0xad]));
    buyer.emit('no:such:event', { x: 1 });
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    assert.ok((await ask(buyer, 'chat:send', { text: 'still alive' })).ok);
    assert.equal((await fetch(`${p.pods[0]!.url}/healthz`)).status, 200);
  });

  it('flash sale - countdown from the server clock, orders acked, LIMIT_REACHED, SOLD_OUT, payment pushed', async () => {
    const leader = await p.socket('leader-1');
    const b1 = await p.socket('buyer-11');
    const b2 = await p.socket('buyer-12');
    const b3 = await p.socket('buyer-13');
    for (const s of [leader, b1, b2, b3]) assert.ok((await ask(s, 'session:join', { sessionId })).ok);
    const feed = collect(leader, 'order:feed');
    const stock = collect(b3, 'sale:stock');

    const pinned = next(b1, 'product:pinned');
    const product = (await (await Api.login(p.core.url, 'leader-1')).get('/api/v1/products')).body.products.find((x: { skus: { id: string }[] }) => x.skus[0]?.id === skuId);
    assert.ok((await ask(leader, 'product:pin', { productId: product.id })).ok);
    assert.equal((await pinned).pin.sku.id, skuId);

    const announced = next(b1, 'sale:started');
    const started = await ask(leader, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 990, quantity: 2, perBuyerLimit: 1, countdownSeconds: 2 });
    assert.ok(started.ok, JSON.stringify(started));
    const { sale, serverNowMs } = await announced;
    const countdown = sale.startsAtMs - serverNowMs;
    assert.ok(countdown > 1500 && countdown <= 2000, `countdown ${countdown}`);
    assert.equal(sale.stock.available, 2);

    const early = await ask(b1, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b1-early' });
    assert.equal(!early.ok && early.code, 'NOT_STARTED');
    const leaderBuy = await ask(leader, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'l' });
    assert.equal(!leaderBuy.ok && leaderBuy.code, 'FORBIDDEN');
    await sleep(sale.startsAtMs - serverNowMs + 100);

    const o1 = await ask(b1, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b1-1' });
    assert.ok(o1.ok, JSON.stringify(o1));
    assert.equal(o1.data.order.status, 'PENDING_PAYMENT');
    assert.equal(o1.data.order.liveSessionId, sessionId);
    const replay = await ask(b1, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b1-1' });
    assert.ok(replay.ok && replay.data.replayed && replay.data.order.id === o1.data.order.id);
    const limit = await ask(b1, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b1-2' });
    assert.equal(!limit.ok && limit.code, 'LIMIT_REACHED');
    const o2 = await ask(b2, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b2-1' });
    assert.ok(o2.ok);
    const gone = await ask(b3, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b3-1' });
    assert.equal(!gone.ok && gone.code, 'SOLD_OUT');

    const paidPush = next(b1, 'order:status', (s: { orderId: string; status: string }) => s.orderId === o1.data.order.id && s.status === 'PAID');
    const paid = await ask(b1, 'order:pay', { orderId: o1.data.order.id });
    assert.ok(paid.ok, JSON.stringify(paid));
    assert.equal(paid.data.order.status, 'PAID');
    await paidPush;
    const notMine = await ask(b2, 'order:pay', { orderId: o1.data.order.id });
    assert.equal(notMine.ok, false);

    await sleep(800);
    assert.ok(feed.some((f) => f.orderId === o2.data.order.id && f.buyerId === 'buyer-12'), JSON.stringify(feed));
    assert.equal(stock.at(-1)?.available, 0, JSON.stringify(stock));
    assert.equal(stock.at(-1)?.sold, 1);

    const ended = next(b1, 'sale:ended');
    assert.ok((await ask(leader, 'sale:end', {})).ok);
    assert.equal((await ended).flashSaleId, sale.id);
    const afterEnd = await ask(b2, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'b2-late' });
    assert.equal(!afterEnd.ok && afterEnd.code, 'INVALID_STATE');
    // The pool itself is closed in inventory: no other path can buy from it either.
    const pool = await p.core.inventory.reservations.sale(sale.id);
    assert.ok(pool.endsAtMs <= Date.now(), `pool still open until ${new Date(pool.endsAtMs).toISOString()}`);
  });

  it('stock - a burst of changes is coalesced to a few updates, the last one always arriving', async () => {
    const leader = await p.socket('leader-1');
    const buyer = await p.socket('buyer-21');
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    const started = await ask(leader, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 990, quantity: 500, countdownSeconds: 0 });
    assert.ok(started.ok);
    const saleId = started.data.sale.id as string;
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    const seen = collect(buyer, 'sale:stock');
    const nc = await natsConnect({ servers: NATS_URL });
    after(() => nc.close());
    const base = Date.now() + 10_000;
    const t0 = Date.now();
    for (let i = 1; i <= 300; i++) {
      nc.publish(`${p.iso.id}.inventory.stock.changed`, JSON.stringify({ flashSaleId: saleId, quantity: 500, held: i, sold: 0, available: 500 - i, atMs: base + i }));
      if (i % 30 === 0) await sleep(50);
    }
    await nc.flush();
    const publishMs = Date.now() - t0;
    await sleep(700);
    const ours = seen.filter((s) => s.atMs >= base);
    assert.equal(ours.at(-1)?.available, 200, 'the final state arrives');
    // At most one update per 250 ms window, plus the leading edge.
    const allowed = Math.ceil((publishMs + 700) / 250) + 1;
    assert.ok(ours.length <= allowed, `${ours.length} updates for 300 changes over ${publishMs} ms (allowed ${allowed})`);
    assert.ok(ours.length >= 2);
  });
});

describe('live room (two pods sharing Redis)', () => {
  let p: Platform;
  let sessionId: string;

  before(async () => {
    p = await startPlatform({ pods: 2, media: true });
    sessionId = await p.liveSession('leader-2');
  });
  after(() => p.stop());

  it('two pods - chat, mutes, sale announcements and stock reach a buyer on the other pod', async () => {
    const leader = await p.socket('leader-2', 0);
    const buyer = await p.socket('buyer-31', 1);
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    const viewers = await next(leader, 'session:viewers', (v: { count: number }) => v.count === 2);
    assert.equal(viewers.count, 2);

    const atBuyer = next(buyer, 'chat:message');
    assert.ok((await ask(leader, 'chat:send', { text: '大家好 hello from pod A' })).ok);
    assert.equal((await atBuyer).text, '大家好 hello from pod A');
    const atLeader = next(leader, 'chat:message', (m: ChatMessage) => m.userId === 'buyer-31');
    assert.ok((await ask(buyer, 'chat:send', { text: 'hi from pod B' })).ok);
    assert.equal((await atLeader).text, 'hi from pod B');

    assert.ok((await ask(leader, 'chat:mute', { userId: 'buyer-31', reason: 'off topic' })).ok);
    const muted = await ask(buyer, 'chat:send', { text: 'still here' });
    assert.equal(!muted.ok && muted.code, 'MUTED');
    assert.ok((await ask(leader, 'chat:unmute', { userId: 'buyer-31' })).ok);

    const leaderApi = await Api.login(p.core.url, 'leader-2');
    const { skuId } = await createFlashSale(leaderApi, { quantity: 1, perBuyerLimit: 1, stock: 50 });
    const announced = next(buyer, 'sale:started');
    const started = await ask(leader, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 500, quantity: 3, countdownSeconds: 0 });
    assert.ok(started.ok, JSON.stringify(started));
    const { sale } = await announced;
    const stockAtB = next(buyer, 'sale:stock', (s: Stock) => s.available === 2);
    await sleep(100);
    const order = await ask(buyer, 'order:place', { flashSaleId: sale.id, qty: 1, idempotencyKey: 'pod-b-1' });
    assert.ok(order.ok, JSON.stringify(order));
    assert.equal((await stockAtB).flashSaleId, sale.id);
  });

  it('two pods - media signalling for a buyer on the other pod is relayed to the pod owning the room', async () => {
    const leader = await p.socket('leader-2', 0);
    const buyer = await p.socket('buyer-32', 1);
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    const caps = await ask(leader, 'media:rtpCapabilities');
    assert.ok(caps.ok, JSON.stringify(caps));
    const send = await ask(leader, 'media:createTransport', { direction: 'send' });
    assert.ok(send.ok);
    const buyerSend = await ask(buyer, 'media:createTransport', { direction: 'send' });
    assert.equal(!buyerSend.ok && buyerSend.code, 'FORBIDDEN');

    const announced = next(buyer, 'media:newProducer');
    const produced = await ask(leader, 'media:produce', {
      transportId: send.data.id,
      kind: 'video',
      rtpParameters: {
        mid: '0',
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
        headerExtensions: [],
        encodings: [{ ssrc: 1111 }],
        rtcp: { cname: 'leader' },
      },
    });
    assert.ok(produced.ok, JSON.stringify(produced));
    assert.equal((await announced).id, produced.data.id);

    const buyerCaps = await ask(buyer, 'media:rtpCapabilities');
    assert.ok(buyerCaps.ok);
    assert.deepEqual(buyerCaps.data.rtpCapabilities, caps.data.rtpCapabilities);
    const recv = await ask(buyer, 'media:createTransport', { direction: 'recv' });
    assert.ok(recv.ok, JSON.stringify(recv));
    // ICE candidates name the owning pod's WebRtcServer port: the browser's media goes straight there.
    const ownerPort = p.pods[0]!.media!.stats().workers[0]!.port;
    assert.ok(recv.data.iceCandidates.every((c: { port: number }) => c.port === ownerPort), JSON.stringify(recv.data.iceCandidates));
    const list = await ask(buyer, 'media:producers');
    assert.ok(list.ok && list.data.producers.some((x: { id: string }) => x.id === produced.data.id));
    const consumer = await ask(buyer, 'media:consume', { transportId: recv.data.id, producerId: produced.data.id, rtpCapabilities: caps.data.rtpCapabilities });
    assert.ok(consumer.ok, JSON.stringify(consumer));
    assert.equal(consumer.data.kind, 'video');
    assert.ok((await ask(buyer, 'media:resumeConsumer', { consumerId: consumer.data.id })).ok);
    const bogus = await ask(buyer, 'media:resumeConsumer', { consumerId: 'nope' });
    assert.equal(!bogus.ok && bogus.code, 'NOT_FOUND');

    // Ending the session through the other pod closes the media room on the owner.
    const closed = next(buyer, 'media:closed');
    const viaOtherPod = new RpcClient(LiveRoomServiceClient, `127.0.0.1:${p.pods[1]!.runtime.grpcPort}`);
    await viaOtherPod.call((c) => c.endLiveSession, { id: sessionId, leaderId: 'leader-2' });
    viaOtherPod.close();
    await closed;
    assert.equal(p.pods[0]!.media!.getRoom(sessionId), undefined);
    assert.equal(p.pods[0]!.media!.stats().rooms, 0);
  });
});
