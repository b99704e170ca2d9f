// Hostile traffic during a live flash sale: malformed, forged, oversized, cross-owner and replayed
// requests over REST and the socket. Every one is refused with a 4xx (or a socket refusal), none
// changes state, no process stops, and the pool's counters equal the orders that real buyers won.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { parseConfig } from '@lc/kit';
import { DATABASE_URL } from '../test-support/isolation.js';
import { Api, createFlashSale, servedLeader } from '../test-support/api.js';
import { nowSeconds, signToken } from '../test-support/tokens.js';
import { startPlatform, type Platform } from '../services/live-room/test/harness.js';
import { configShape as gatewayShape } from '../services/gateway/src/config.js';
import { signBody } from '../services/order/src/domain/payment-signature.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

type Reply = { status: number; body: any };
type SocketReply = { ok: boolean; code?: string; message?: string };

describe('hostile requests during a flash sale', () => {
  let p: Platform;
  let core: Platform['core'];
  let roomUrl: string;
  let secret: string;
  const sockets: Socket[] = [];
  let leader1: Api;
  let leader2: Api;
  let victim: Api;
  let attacker: Api;
  let flashSaleId: string;
  let skuId: string;
  let sessionId: string;
  let victimOrderId: string;

  async function socketFor(userId: string): Promise<Socket> {
    const token = (await Api.login(core.url, userId)).token;
    const socket = connect(roomUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  /** Resolves with the handshake's refusal, or fails when the socket gets in. */
  async function refusedHandshake(auth: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
    const socket = connect(roomUrl, { auth, transports: ['websocket'], reconnection: false, extraHeaders: headers });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('a hostile handshake was accepted')));
      socket.once('connect_error', (err) => resolve(err.message));
    });
  }

  const ask = (socket: Socket, event: string, payload?: unknown): Promise<SocketReply> =>
    socket.timeout(10_000).emitWithAck(event, payload) as Promise<SocketReply>;

  before(async () => {
    p = await startPlatform();
    core = p.core;
    roomUrl = p.pods[0]!.url;
    secret = parseConfig(gatewayShape, p.iso.env('gateway')).JWT_SECRET;
    const login = (u: string) => Api.login(core.url, u);
    [leader1, leader2, victim, attacker] = await Promise.all([login('leader-1'), login('leader-2'), login('buyer-701'), login('buyer-666')]);
    sessionId = await p.liveSession('leader-1');
    ({ flashSaleId, skuId } = await createFlashSale(leader1, { quantity: 40, perBuyerLimit: 2 }));
    await servedLeader(core.url, 'leader-2');
    const won = await victim.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'victim-1' });
    assert.equal(won.status, 201, JSON.stringify(won.body));
    victimOrderId = won.body.id;
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await p?.stop();
  });

  it('hostile - 40+ kinds of bad, forged, oversized, cross-owner and replayed requests are refused and change nothing', async () => {
    // Real buyers keep buying while the attack runs: the sale is live.
    const honest = Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const buyer = await Api.login(core.url, `buyer-${800 + i}`);
        return buyer.post('/api/v1/orders', { flashSaleId, qty: 1 + (i % 2) }, { 'idempotency-key': `honest-${i}` });
      }),
    );
    const idem = (k: string) => ({ 'idempotency-key': k });
    const now = nowSeconds();
    const craft = (claims: Record<string, unknown>, key = secret) => signToken(key, claims);
    const endsAt = new Date(Date.now() + 600_000).toISOString();
    const pool = (body: Record<string, unknown>) => ({ skuId, warehouseId: 'wh-1', salePriceFen: 1990, quantity: 1, endsAt, ...body });
    const raw = (token: string) => new Api(core.url, token);
    const webhook = `http://127.0.0.1:${core.order.runtime.httpPort}/payments/sandbox/webhook`;
    const callback = JSON.stringify({ eventId: 'evt-forged', paymentId: UNKNOWN, orderId: victimOrderId, amountFen: 1, status: 'SUCCEEDED', atMs: Date.now() });
    const postRaw = async (url: string, body: string, headers: Record<string, string>): Promise<Reply> => {
      const r = await fetch(url, { method: 'POST', headers, body });
      return { status: r.status, body: await r.json().catch(() => ({})) };
    };
    const driver2 = await Api.login(core.url, 'driver-2');
    const staff = await Api.login(core.url, 'warehouse-1');

    const rest: [string, () => Promise<Reply>][] = [
      // malformed
      ['body is not JSON', () => attacker.post('/api/v1/orders', '{"qty": ', idem('h1'))],
      ['body is an array', () => attacker.post('/api/v1/orders', [1, 2], idem('h2'))],
      ['body is a string', () => attacker.post('/api/v1/orders', '"order"', idem('h3'))],
      ['qty as a string', () => attacker.post('/api/v1/orders', { flashSaleId, qty: '1' }, idem('h4'))],
      ['negative qty', () => attacker.post('/api/v1/orders', { flashSaleId, qty: -1 }, idem('h5'))],
      ['zero qty', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 0 }, idem('h6'))],
      ['qty 1e12', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 1e12 }, idem('h7'))],
      ['fractional qty', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 1.5 }, idem('h8'))],
      ['qty over the per-buyer limit', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 3 }, idem('h9'))],
      ['no Idempotency-Key', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 1 })],
      ['Idempotency-Key of 10 KB', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 1 }, idem('k'.repeat(10_000)))],
      ['flashSaleId not a UUID', () => attacker.post('/api/v1/orders', { flashSaleId: "1' OR '1'='1", qty: 1 }, idem('h10'))],
      ['unknown flash sale', () => attacker.post('/api/v1/orders', { flashSaleId: UNKNOWN, qty: 1 }, idem('h11'))],
      ['prototype pollution instead of fields', () => attacker.post('/api/v1/orders', '{"__proto__": {"qty": 1}, "flashSaleId": "' + flashSaleId + '"}', idem('h12'))],
      ['body of 3 MB', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 1, pad: 'x'.repeat(3_000_000) }, idem('h13'))],
      ['text/plain body', () => attacker.post('/api/v1/orders', 'qty=1', { ...idem('h14'), 'content-type': 'text/plain' })],
      ['order id with SQL in the path', () => attacker.get(`/api/v1/orders/${encodeURIComponent("' OR 1=1 --")}`)],
      ['order id with path traversal', () => attacker.get('/api/v1/orders/..%2F..%2Fadmin')],
      ['unknown route', () => attacker.get('/api/v1/../../etc/passwd')],
      // forged or missing credentials
      ['no token', () => raw('').post('/api/v1/orders', { flashSaleId, qty: 1 }, idem('h15'))],
      ['garbage token', () => raw('garbage').get('/api/v1/orders')],
      ['token signed with another key', async () => raw(await craft({ sub: 'buyer-666', role: 'buyer', iat: now, exp: now + 600 }, 'x'.repeat(40))).get('/api/v1/orders')],
      ['alg none token', () => raw(`${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'admin-1', role: 'admin', iss: 'livecommerce' })).toString('base64url')}.`).get('/api/v1/orders')],
      ['token without exp', async () => raw(await craft({ sub: 'buyer-666', role: 'buyer', iat: now })).get('/api/v1/orders')],
      ['token living a year', async () => raw(await craft({ sub: 'buyer-666', role: 'buyer', iat: now, exp: now + 365 * 86_400 })).get('/api/v1/orders')],
      ['expired token', async () => raw(await craft({ sub: 'buyer-666', role: 'buyer', iat: now - 7200, exp: now - 3600 })).get('/api/v1/orders')],
      ['token with an invented role', async () => raw(await craft({ sub: 'buyer-666', role: 'root', iat: now, exp: now + 600 })).get('/api/v1/orders')],
      ['token from another issuer', async () => raw(await craft({ sub: 'buyer-666', role: 'buyer', iss: 'evil', iat: now, exp: now + 600 })).get('/api/v1/orders')],
      ['dev login as an unknown user', () => raw('').post('/api/v1/auth/dev-login', { userId: 'root' })],
      ['a code for a malformed phone', () => raw('').post('/api/v1/auth/codes', { phone: "13800000001' OR 1=1 --" })],
      ['a code for an oversized phone', () => raw('').post('/api/v1/auth/codes', { phone: '1'.repeat(10_000) })],
      ["signing in at the admin's phone with a guessed code", () => raw('').post('/api/v1/auth/sign-in', { phone: '13800000099', code: '000000' })],
      ['signing in with a code that is not 6 digits', () => raw('').post('/api/v1/auth/sign-in', { phone: '13800000099', code: { $ne: '' } })],
      ['a forged refresh token', () => raw('').post('/api/v1/auth/refresh', { refreshToken: 'A'.repeat(43) })],
      ['signing out without a token', () => raw('').post('/api/v1/auth/sign-out', { everywhere: true })],
      ['a buyer adding an admin', () => attacker.post('/api/v1/admin/users', { phone: '13900000009', role: 'admin', name: 'me' })],
      // cross-owner
      ["reading another buyer's order", () => attacker.get(`/api/v1/orders/${victimOrderId}`)],
      ["paying another buyer's order", () => attacker.post(`/api/v1/orders/${victimOrderId}/pay`)],
      ["cancelling another buyer's order", () => attacker.post(`/api/v1/orders/${victimOrderId}/cancel`)],
      ['a buyer creating a flash sale', () => attacker.post('/api/v1/flash-sales', pool({}))],
      ["leader-2 selling leader-1's SKU", () => leader2.post('/api/v1/flash-sales', pool({}))],
      ["leader-2 ending leader-1's sale", () => leader2.post(`/api/v1/flash-sales/${flashSaleId}/end`)],
      ["leader-2 ending leader-1's session", () => leader2.post(`/api/v1/live-sessions/${sessionId}/end`, {})],
      ['a pool at price 0', () => leader1.post('/api/v1/flash-sales', pool({ salePriceFen: 0 }))],
      ['a pool above the list price', () => leader1.post('/api/v1/flash-sales', pool({ salePriceFen: 5991 }))],
      ['a pool in a warehouse that does not serve the leader', () => leader1.post('/api/v1/flash-sales', pool({ warehouseId: 'wh-9' }))],
      ['a leader creating a product', () => leader1.post('/api/v1/products', { name: 'x', warehouseId: 'wh-1', ownerLeaderId: 'leader-1', skus: [{ name: 'x', listPriceFen: 100, initialStock: 1 }] })],
      ['staff stocking another warehouse', () => staff.post('/api/v1/products', { name: 'x', warehouseId: 'wh-2', ownerLeaderId: 'leader-1', skus: [{ name: 'x', listPriceFen: 100, initialStock: 1 }] })],
      ["a driver reading another driver's route", () => driver2.get(`/api/v1/routes/${UNKNOWN}`)],
      ['a buyer reading the payment reconciliation', () => attacker.get('/api/v1/admin/payments/reconciliation')],
      ['a buyer verifying a pickup code', () => attacker.post('/api/v1/pickups/verify', { code: '123456' })],
      ['a leader verifying a malformed pickup code', () => leader1.post('/api/v1/pickups/verify', { code: "12'; DROP TABLE bags; --" })],
      // pickup points
      ['pickup points near a place off the globe', () => attacker.get('/api/v1/pickup-points?near=95,200')],
      ['pickup points near SQL', () => attacker.get(`/api/v1/pickup-points?near=${encodeURIComponent("31,121'; DROP TABLE pickup_points; --")}`)],
      ['pickup points by a thousand ids', () => attacker.get(`/api/v1/pickup-points?ids=${Array.from({ length: 1000 }, (_, i) => `p${i}`).join(',')}`)],
      ['choosing a pickup point that does not exist', () => attacker.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-nowhere' })],
      ['an order for a pickup point that does not exist', () => attacker.post('/api/v1/orders', { flashSaleId, qty: 1, pickupPointId: 'pp-nowhere' }, idem('h-pp'))],
      ['a leader choosing a buyer pickup point', () => leader1.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-leader-1' })],
      // replayed or forged money
      ['a replayed key with another body', () => victim.post('/api/v1/orders', { flashSaleId, qty: 2 }, idem('victim-1'))],
      ['a forged provider callback', () => postRaw(webhook, callback, { 'content-type': 'application/json', 'x-sandbox-signature': signBody(callback, 'guessed-secret-0123456789') })],
      ['a provider callback without a signature', () => postRaw(webhook, callback, { 'content-type': 'application/json' })],
    ];

    const refusals: string[] = [];
    await Promise.all(
      rest.map(async ([name, send]) => {
        const r = await send();
        // A refusal is a 4xx that says what was wrong: {code, message}.
        const said = typeof r.body === 'object' && typeof r.body?.code === 'string' && typeof r.body?.message === 'string';
        if (!(r.status >= 400 && r.status < 500) || !said) refusals.push(`${name}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }),
    );
    assert.deepEqual(refusals, [], 'every hostile REST request gets a 4xx');

    // The socket, during the same sale.
    const attackerSocket = await socketFor('buyer-666');
    const joined = await ask(attackerSocket, 'session:join', { sessionId });
    assert.equal(joined.ok, true, JSON.stringify(joined));
    const leader2Socket = await socketFor('leader-2');
    assert.equal((await ask(leader2Socket, 'session:join', { sessionId })).ok, true);
    const socketCases: [string, () => Promise<SocketReply>][] = [
      ['order:place with a string qty', () => ask(attackerSocket, 'order:place', { flashSaleId, qty: '1', idempotencyKey: 's1' })],
      ['order:place with qty 0', () => ask(attackerSocket, 'order:place', { flashSaleId, qty: 0, idempotencyKey: 's2' })],
      ['order:place without a key', () => ask(attackerSocket, 'order:place', { flashSaleId, qty: 1 })],
      ['order:place on a made-up pool', () => ask(attackerSocket, 'order:place', { flashSaleId: 'pool', qty: 1, idempotencyKey: 's3' })],
      ['order:place with a payload that is a string', () => ask(attackerSocket, 'order:place', 'buy')],
      ["order:pay on another buyer's order", () => ask(attackerSocket, 'order:pay', { orderId: victimOrderId })],
      ['chat:send of 100 KB', () => ask(attackerSocket, 'chat:send', { text: 'x'.repeat(100_000) })],
      ['chat:send of a blocked word hidden by zero-width spaces', () => ask(attackerSocket, 'chat:send', { text: 'f\u200bu\u200bc\u200bk' })],
      ['chat:send of a blocked word in full width', () => ask(attackerSocket, 'chat:send', { text: 'ｆｕｃｋ' })],
      ['a buyer pinning a product', () => ask(attackerSocket, 'product:pin', { productId: UNKNOWN })],
      ['a buyer starting a sale', () => ask(attackerSocket, 'sale:start', { flashSaleId })],
      ['a buyer muting another viewer', () => ask(attackerSocket, 'chat:mute', { userId: 'buyer-701' })],
      ["leader-2 ending leader-1's sale in the room", () => ask(leader2Socket, 'sale:end', {})],
      ["leader-2 starting a sale in leader-1's room", () => ask(leader2Socket, 'sale:start', { flashSaleId })],
    ];
    const accepted: string[] = [];
    for (const [name, send] of socketCases) {
      const r = await send();
      if (r.ok !== false || typeof r.code !== 'string') accepted.push(`${name}: ${JSON.stringify(r).slice(0, 200)}`);
    }
    assert.deepEqual(accepted, [], 'every hostile socket event is refused');
    const handshakes = [
      await refusedHandshake({}),
      await refusedHandshake({ token: 'garbage' }),
      await refusedHandshake({ token: await signToken(secret, { sub: 'buyer-666', role: 'buyer', iat: nowSeconds() }) }),
      await refusedHandshake({ token: (await Api.login(core.url, 'buyer-667')).token }, { origin: 'https://evil.example' }),
    ];
    assert.equal(handshakes.length, 4);

    // Nothing changed: the honest orders are all there is, and the pool agrees with them.
    const honestReplies = await honest;
    assert.ok(honestReplies.every((r) => r.status === 201 || r.status === 409), JSON.stringify(honestReplies.map((r) => r.status)));
    assert.ok(honestReplies.some((r) => r.status === 201), 'the sale went on: honest buyers won units meanwhile');
    assert.ok(rest.length + socketCases.length + handshakes.length >= 40, 'at least 40 kinds of hostile request');
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT buyer_id, status, qty FROM ${p.iso.env('order').DB_SCHEMA}.orders WHERE flash_sale_id = $1`,
        [flashSaleId],
      );
      assert.equal(rows.filter((r) => r.buyer_id === 'buyer-666').length, 0, 'the attacker holds nothing');
      const held = rows.filter((r) => r.status === 'PENDING_PAYMENT').reduce((n, r) => n + r.qty, 0);
      const sold = rows.filter((r) => r.status === 'PAID').reduce((n, r) => n + r.qty, 0);
      const stats = await victim.get(`/api/v1/flash-sales/${flashSaleId}`);
      assert.deepEqual([stats.body.held, stats.body.sold, stats.body.available], [held, sold, 40 - held - sold]);
      const victimOrder = await victim.get(`/api/v1/orders/${victimOrderId}`);
      assert.equal(victimOrder.body.status, 'PENDING_PAYMENT');
      assert.equal((await leader1.get(`/api/v1/live-sessions/${sessionId}`)).body.status, 'LIVE', 'the session still runs');
    } finally {
      await db.end();
    }
    for (const runtime of [core.gateway.runtime, core.order.runtime, core.inventory.runtime, core.fulfillment!.runtime, p.pods[0]!.runtime]) {
      assert.equal((await fetch(`http://127.0.0.1:${runtime.httpPort}/readyz`)).status, 200);
    }
  });
});
