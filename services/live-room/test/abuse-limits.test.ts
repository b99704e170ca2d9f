// The live room against a hostile or unlucky client: a won order survives retries after the sale
// stops, the order rate is one budget with REST, event floods and connection hoarding are cut
// off, a viewer cannot pile up media transports, and an ended session's media room closes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect } from 'socket.io-client';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { ask, next, sleep, startPlatform, type Platform } from './harness.js';

// Slow refill, so a drained bucket stays drained for the length of a test.
const orderRate = { ORDER_RATE_PER_SECOND: '0.05', ORDER_RATE_BURST: '3' };

describe('live room abuse limits', () => {
  let p: Platform;
  let sessionId: string;
  let leaderApi: Api;

  before(async () => {
    p = await startPlatform({
      media: true,
      core: { gateway: orderRate },
      env: {
        ...orderRate,
        SOCKET_EVENTS_PER_SECOND: '5',
        SOCKET_EVENT_BURST: '10',
        SOCKET_FLOOD_DISCONNECT_AFTER: '20',
        SOCKET_MAX_CONNECTIONS_PER_USER: '2',
        MEDIA_MAX_TRANSPORTS_PER_PEER: '2',
      },
    });
    sessionId = await p.liveSession('leader-1');
    leaderApi = await Api.login(p.core.url, 'leader-1');
  });
  after(() => p.stop());

  /** A sale started in the session by its leader's socket, running now. */
  async function runningSale(quantity: number, perBuyerLimit: number): Promise<string> {
    const { skuId } = await createFlashSale(leaderApi, { quantity: 1, perBuyerLimit: 1, stock: quantity + 1 });
    const leader = await p.socket('leader-1');
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    const started = await ask(leader, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 990, quantity, perBuyerLimit, countdownSeconds: 0 });
    assert.ok(started.ok, JSON.stringify(started));
    leader.disconnect();
    return started.data.sale.id as string;
  }

  it('order replay - the buyer who won the last unit gets the same order on retry, sold out or after the sale ended', async () => {
    const flashSaleId = await runningSale(1, 1);
    const winner = await p.socket('buyer-801');
    const loser = await p.socket('buyer-802');
    for (const s of [winner, loser]) assert.ok((await ask(s, 'session:join', { sessionId })).ok);
    const won = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'last-unit' });
    assert.ok(won.ok, JSON.stringify(won));
    const lost = await ask(loser, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'too-late' });
    assert.equal(!lost.ok && lost.code, 'SOLD_OUT');
    const retry = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'last-unit' });
    assert.ok(retry.ok && retry.data.replayed, JSON.stringify(retry));
    assert.equal(retry.data.order.id, won.data.order.id);

    const leader = await p.socket('leader-1');
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    assert.ok((await ask(leader, 'sale:end', {})).ok);
    const afterEnd = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'last-unit' });
    assert.ok(afterEnd.ok && afterEnd.data.replayed, JSON.stringify(afterEnd));
    assert.equal(afterEnd.data.order.id, won.data.order.id);
    const stranger = await ask(loser, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'too-late' });
    assert.equal(!stranger.ok && stranger.code, 'INVALID_STATE');
    leader.disconnect();
  });

  it('order rate - REST and the socket draw on one bucket per buyer, either way round', async () => {
    const flashSaleId = await runningSale(100, 50);
    for (const [buyerId, drainOver] of [['buyer-811', 'rest'], ['buyer-812', 'socket']] as const) {
      const rest = await Api.login(p.core.url, buyerId);
      const socket = await p.socket(buyerId);
      assert.ok((await ask(socket, 'session:join', { sessionId })).ok);
      const viaRest = (key: string) => rest.post('/api/v1/orders', { flashSaleId, qty: 1, liveSessionId: sessionId }, { 'idempotency-key': key });
      const viaSocket = (key: string) => ask(socket, 'order:place', { flashSaleId, qty: 1, idempotencyKey: key });
      for (let i = 0; i < 3; i++) {
        if (drainOver === 'rest') assert.equal((await viaRest(`drain-${i}`)).status, 201);
        else assert.ok((await viaSocket(`drain-${i}`)).ok);
      }
      if (drainOver === 'rest') {
        const refused = await viaSocket('one-more');
        assert.equal(!refused.ok && refused.code, 'RATE_LIMITED', JSON.stringify(refused));
      } else {
        const refused = await viaRest('one-more');
        assert.deepEqual([refused.status, refused.body.code], [429, 'RATE_LIMITED']);
      }
    }
    const stats = await leaderApi.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.equal(stats.body.held, 6, 'only the admitted orders hold units');
  });

  it('event flood - a socket past its event budget is refused RATE_LIMITED, and one that keeps on is disconnected', async () => {
    const flooder = await p.socket('buyer-821');
    const answers = await Promise.all(Array.from({ length: 14 }, () => ask(flooder, 'chat:send', { text: 'hi' })));
    const limited = answers.filter((a) => !a.ok && a.code === 'RATE_LIMITED').length;
    assert.ok(limited >= 3 && limited <= 4, `${limited} of 14 refused with a burst of 10 (${answers.map((a) => (a.ok ? 'ok' : a.code)).join()})`);
    assert.ok(answers.every((a) => !a.ok && ['RATE_LIMITED', 'NOT_JOINED'].includes(a.code)));
    const gone = new Promise<string>((resolve) => flooder.once('disconnect', resolve));
    for (let i = 0; i < 40; i++) flooder.emit('chat:send', { text: 'spam' });
    assert.equal(await gone, 'io server disconnect');
    // A calm neighbour is untouched.
    const calm = await p.socket('buyer-822');
    assert.ok((await ask(calm, 'session:join', { sessionId })).ok);
  });

  it('connections - a user past the cap is refused at the handshake; closing one frees a place', async () => {
    const first = await p.socket('buyer-831');
    await p.socket('buyer-831');
    const token = await p.token('buyer-831');
    const third = connect(p.pods[0]!.url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) => third.once('connect_error', resolve));
    third.disconnect();
    assert.equal(err.message, 'TOO_MANY_CONNECTIONS');
    assert.equal(err.data?.code, 'TOO_MANY_CONNECTIONS');
    assert.ok(await p.socket('buyer-832'), 'another user still connects');
    first.disconnect();
    await poll('the closed socket to give its place back', async () => (await p.socket('buyer-831').then(() => true, () => undefined)));
  });

  it('media - a viewer past the transport cap is refused LIMIT_REACHED', async () => {
    const viewer = await p.socket('buyer-841');
    assert.ok((await ask(viewer, 'session:join', { sessionId })).ok);
    for (let i = 0; i < 2; i++) {
      const t = await ask(viewer, 'media:createTransport', { direction: 'recv' });
      assert.ok(t.ok, JSON.stringify(t));
    }
    const third = await ask(viewer, 'media:createTransport', { direction: 'recv' });
    assert.equal(!third.ok && third.code, 'LIMIT_REACHED', JSON.stringify(third));
    const stats = (await p.pods[0]!.media!.getRoom(sessionId))!.stats();
    assert.equal(stats.transports, 2);
  });

  it('media - a session that ends closes its media room, and its media cannot be reopened', async () => {
    const own = await p.liveSession('leader-2');
    const leader = await p.socket('leader-2');
    const viewer = await p.socket('buyer-851');
    for (const s of [leader, viewer]) assert.ok((await ask(s, 'session:join', { sessionId: own })).ok);
    assert.ok((await ask(viewer, 'media:createTransport', { direction: 'recv' })).ok);
    assert.ok(p.pods[0]!.media!.getRoom(own), 'the room is open');
    const closed = next(viewer, 'media:closed');
    await p.sessions.call((c) => c.endLiveSession, { id: own, leaderId: 'leader-2' });
    await closed;
    assert.equal(p.pods[0]!.media!.getRoom(own), undefined);
    const again = await ask(viewer, 'media:rtpCapabilities', {});
    assert.equal(!again.ok && again.code, 'INVALID_STATE');
    await sleep(100);
    assert.equal(p.pods[0]!.media!.getRoom(own), undefined, 'not reopened');
  });
});
