// The gateway's own promises: the buyer-leader binding as the API shows it, the per-buyer rate
// limit, sold-out answered from memory (but a winner's retry still gets its order), bounded
// in-memory state, tokens that must expire, the CORS allow-list, and no dev login in production.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseConfig } from '@lc/kit';
import { isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale, servedLeader, shareToken } from '../../../test-support/api.js';
import { nowSeconds, signToken } from '../../../test-support/tokens.js';
import { configShape } from '../src/config.js';
import { startGateway } from '../src/service.js';
import { SoldOutBoard } from '../src/domain/sold-out-board.js';

describe('gateway guards', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let leader: Api;

  before(async () => {
    core = await startCore(iso, { gateway: { ORDER_RATE_PER_SECOND: '1', ORDER_RATE_BURST: '5' } });
    leader = await Api.login(core.url, 'leader-1');
    // Leaders a buyer binds to below; an order for a leader without a pickup point is refused.
    for (const l of ['leader-2', 'leader-3']) await servedLeader(core.url, l);
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('binding - the first order through a leader link binds the buyer; later orders carry that leader', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 10, perBuyerLimit: 5 });
    const buyer = await Api.login(core.url, 'buyer-301');
    const first = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1, shareToken: await shareToken(core.url, 'leader-2') }, { 'idempotency-key': 'b1' });
    const second = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1, shareToken: await shareToken(core.url, 'leader-3') }, { 'idempotency-key': 'b2' });
    const third = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'b3' });
    assert.deepEqual([first.body.leaderId, second.body.leaderId, third.body.leaderId], ['leader-2', 'leader-2', 'leader-2']);
    // Without any link, the first order binds the buyer to the leader hosting the sale.
    const other = await Api.login(core.url, 'buyer-302');
    assert.equal((await other.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'c1' })).body.leaderId, 'leader-1');
  });

  it('rate limit - a buyer past their burst gets 429 RATE_LIMITED and nothing is reserved', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 50, perBuyerLimit: 50 });
    const buyer = await Api.login(core.url, 'buyer-303');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': `r${i}` })));
    const limited = answers.filter((a) => a.status === 429);
    assert.ok(limited.length >= 6, answers.map((a) => a.status).join());
    assert.equal(limited[0]!.body.code, 'RATE_LIMITED');
    const stats = await leader.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.equal(stats.body.held, answers.filter((a) => a.status === 201).length);
  });

  it('flash sale - its leader ends it; later orders get ENDED, held units stay, others may not end it', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 10, perBuyerLimit: 5 });
    const buyer = await Api.login(core.url, 'buyer-306');
    assert.equal((await buyer.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'before' })).status, 201);
    const other = await Api.login(core.url, 'leader-2');
    assert.equal((await other.post(`/api/v1/flash-sales/${flashSaleId}/end`)).status, 403);
    assert.equal((await buyer.post(`/api/v1/flash-sales/${flashSaleId}/end`)).status, 403);
    const ended = await leader.post(`/api/v1/flash-sales/${flashSaleId}/end`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    assert.ok(Date.parse(ended.body.endsAt) <= Date.now());
    const late = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'after' });
    assert.deepEqual([late.status, late.body.code], [409, 'ENDED']);
    assert.equal((await leader.post(`/api/v1/flash-sales/${flashSaleId}/end`)).status, 409);
    const stats = await leader.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.available], [2, 8]);
  });

  it('auth - a correctly signed token without exp, or living longer than JWT_TTL_SECONDS, gets 401 (every time: the verify cache keeps none)', async () => {
    const config = parseConfig(configShape, iso.env('gateway'));
    const me = (token: string) => fetch(`${core.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const claims = { sub: 'buyer-310', role: 'buyer', iat: nowSeconds() };
    const refused = {
      'no exp': await signToken(config.JWT_SECRET, claims),
      'exp beyond the TTL': await signToken(config.JWT_SECRET, { ...claims, exp: nowSeconds() + config.JWT_TTL_SECONDS + 3600 }),
      'exp - iat beyond the TTL': await signToken(config.JWT_SECRET, { ...claims, iat: nowSeconds() - 2 * config.JWT_TTL_SECONDS, exp: nowSeconds() + 60 }),
      'iat in the future': await signToken(config.JWT_SECRET, { ...claims, iat: nowSeconds() + 3600, exp: nowSeconds() + 3600 + 60 }),
      'expired': await signToken(config.JWT_SECRET, { ...claims, iat: nowSeconds() - 120, exp: nowSeconds() - 60 }),
    };
    for (const [what, token] of Object.entries(refused)) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const r = await me(token);
        const body = (await r.json()) as { code: string; message: string };
        assert.deepEqual([r.status, body.code], [401, 'UNAUTHENTICATED'], `${what}: ${JSON.stringify(body)}`);
      }
    }
    assert.match(((await (await me(refused['no exp'])).json()) as { message: string }).message, /no exp/);
    // The control: a token within the TTL, and the dev login's own, are accepted.
    assert.equal((await me(await signToken(config.JWT_SECRET, { ...claims, exp: nowSeconds() + config.JWT_TTL_SECONDS }))).status, 200);
    const login = await Api.login(core.url, 'buyer-311');
    assert.equal((await login.get('/api/v1/me')).status, 200);
  });

  it('cors - an allowed origin gets Access-Control-Allow-Origin on requests and preflights; a foreign origin gets none', async () => {
    // No CORS_ORIGINS in this test's config: the development default, the gateway's own origins.
    const get = (origin: string) => fetch(`${core.url}/api/v1/me`, { headers: { origin } });
    const preflight = (origin: string) =>
      fetch(`${core.url}/api/v1/orders`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' } });
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080']) {
      assert.equal((await get(origin)).headers.get('access-control-allow-origin'), origin);
      const p = await preflight(origin);
      assert.equal(p.headers.get('access-control-allow-origin'), origin);
      assert.match(p.headers.get('access-control-allow-methods') ?? '', /POST/);
    }
    for (const origin of ['https://evil.example', 'http://localhost:8081', 'null']) {
      assert.equal((await get(origin)).headers.get('access-control-allow-origin'), null, origin);
      assert.equal((await preflight(origin)).headers.get('access-control-allow-origin'), null, origin);
    }
  });

  it('production - the dev login and the development SMS inbox are off; CORS is exactly CORS_ORIGINS', async () => {
    const prod = await startGateway(
      parseConfig(configShape, {
        // Its own identity schema: the other gateways here run in development and seed the demo.
        ...iso.env('gateway-prod'),
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('hex'),
        SIGN_IN_CODE_SECRET: randomBytes(32).toString('hex'),
        SMS_SENDER: 'http-relay',
        SMS_RELAY_URL: 'http://127.0.0.1:9/sms',
        SMS_RELAY_SECRET: randomBytes(32).toString('hex'),
        CORS_ORIGINS: 'https://shop.example.com',
      }),
    );
    try {
      const base = `http://127.0.0.1:${prod.runtime.httpPort}`;
      const r = await new Api(base).post('/api/v1/auth/dev-login', { userId: 'buyer-1' });
      assert.deepEqual([r.status, r.body.code], [403, 'FORBIDDEN']);
      assert.equal((await new Api(base).get('/api/v1/auth/dev-inbox?phone=13800000001')).status, 403);
      assert.deepEqual((await new Api(base).get('/api/v1/auth/options')).body, { phone: true, devLogin: false, devInbox: false });
      // No demo people in production: their phones are nobody's.
      assert.equal(await prod.identity.userByPhone('+8613800000099'), undefined);
      const origin = async (o: string) => (await fetch(`${base}/api/v1/me`, { headers: { origin: o } })).headers.get('access-control-allow-origin');
      assert.equal(await origin('https://shop.example.com'), 'https://shop.example.com');
      assert.equal(await origin('http://localhost:8080'), null);
    } finally {
      await prod.runtime.stop();
    }
  });

  it('production - CORS_ORIGINS unset or "*" stops the start, naming the variable', async () => {
    assert.throws(() => parseConfig(configShape, { ...iso.env('gateway'), NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex') }), /CORS_ORIGINS: must be set in production/);
    assert.throws(() => parseConfig(configShape, { ...iso.env('gateway'), CORS_ORIGINS: '*' }), /CORS_ORIGINS: '\*' is not allowed/);
    assert.throws(() => parseConfig(configShape, { ...iso.env('gateway'), CORS_ORIGINS: 'https://shop.example.com/path' }), /CORS_ORIGINS: .* is not an origin/);
  });
});

describe('gateway sold-out board', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let leader: Api;

  before(async () => {
    core = await startCore(iso);
    leader = await Api.login(core.url, 'leader-1');
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('sold out - the winner retrying with the same key gets 200 and the same order; others get SOLD_OUT without a reservation', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 1, perBuyerLimit: 1 });
    const winner = await Api.login(core.url, 'buyer-304');
    const won = await winner.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'w' });
    assert.equal(won.status, 201, JSON.stringify(won.body));
    const deadline = Date.now() + 10_000;
    while (!core.gateway.soldOut.isSoldOut(flashSaleId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(core.gateway.soldOut.isSoldOut(flashSaleId), 'the board heard the sell-out');
    const retry = await winner.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'w' });
    assert.deepEqual([retry.status, retry.body.id, retry.body.status], [200, won.body.id, 'PENDING_PAYMENT']);
    const reused = await winner.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'w' });
    assert.deepEqual([reused.status, reused.body.code], [409, 'IDEMPOTENCY_KEY_REUSED']);
    const freshKey = await winner.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'w2' });
    assert.deepEqual([freshKey.status, freshKey.body.code], [409, 'SOLD_OUT']);

    // With inventory gone nothing can be reserved: only the board and the order's key answer.
    await core.inventory.runtime.stop();
    const late = await Api.login(core.url, 'buyer-305');
    const lost = await late.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'l' });
    assert.deepEqual([lost.status, lost.body.code], [409, 'SOLD_OUT']);
    const again = await winner.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'w' });
    assert.deepEqual([again.status, again.body.id], [200, won.body.id]);
  });

  it('sold out - the board and the sale-SKU cache stay within their bounds as pools come and go', () => {
    const board = new SoldOutBoard(50);
    for (let i = 0; i < 500; i++) {
      board.apply({ flashSaleId: `pool-${i}`, available: 0, atMs: i });
      assert.ok(board.size <= 50);
    }
    assert.equal(board.isSoldOut('pool-499'), true);
    assert.equal(board.isSoldOut('pool-0'), false, 'the oldest pool was forgotten');
    assert.equal(core.gateway.saleSkus.maxEntries > 0, true);
    for (let i = 0; i < core.gateway.saleSkus.maxEntries + 100; i++) core.gateway.saleSkus.set(`sale-${i}`, 'sku');
    assert.equal(core.gateway.saleSkus.size, core.gateway.saleSkus.maxEntries);
  });
});
