// Bad input gets a clear 4xx naming the problem, changes nothing, and never stops a service;
// expired holds and payment callbacks settle exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { signBody } from '../../order/src/domain/payment-signature.js';

describe('bad input and settlement', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let leader: Api;
  let buyer: Api;

  before(async () => {
    core = await startCore(iso);
    leader = await Api.login(core.url, 'leader-1');
    buyer = await Api.login(core.url, 'buyer-201');
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('validation - malformed bodies, wrong types, bad quantities, unknown ids and bad JWTs get a 4xx and change nothing', async () => {
    const { flashSaleId, skuId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 5 });
    const key = { 'idempotency-key': 'bad' };
    const cases: [string, Promise<{ status: number; body: { code: string; message: string } }>, number, RegExp][] = [
      ['not JSON', buyer.post('/api/v1/orders', '{"qty": ', key), 400, /JSON/],
      ['qty as string', buyer.post('/api/v1/orders', { flashSaleId, qty: '1' }, key), 400, /qty/],
      ['negative qty', buyer.post('/api/v1/orders', { flashSaleId, qty: -1 }, key), 400, /qty/],
      ['huge qty', buyer.post('/api/v1/orders', { flashSaleId, qty: 1e12 }, key), 400, /qty/],
      ['fractional qty', buyer.post('/api/v1/orders', { flashSaleId, qty: 1.5 }, key), 400, /qty/],
      ['missing key', buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }), 400, /Idempotency-Key/],
      ['not a uuid', buyer.post('/api/v1/orders', { flashSaleId: 'abc', qty: 1 }, key), 400, /flashSaleId/],
      ['unknown flash sale', buyer.post('/api/v1/orders', { flashSaleId: '00000000-0000-4000-8000-000000000000', qty: 1 }, key), 404, /flash sale/],
      ['wrong sku', buyer.post('/api/v1/orders', { flashSaleId, skuId: '00000000-0000-4000-8000-000000000000', qty: 1 }, key), 400, /skuId/],
      ['array body', buyer.post('/api/v1/orders', [1, 2], key), 400, /expected object|body/i],
      ['unknown sku for a pool', leader.post('/api/v1/flash-sales', { skuId: '00000000-0000-4000-8000-000000000000', warehouseId: 'wh-1', salePriceFen: 1, quantity: 1, endsAt: new Date(Date.now() + 60_000).toISOString() }), 404, /skuId/],
      ['price in yuan', leader.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-1', salePriceFen: 29.9, quantity: 1, endsAt: new Date(Date.now() + 60_000).toISOString() }), 400, /salePriceFen/],
      ['negative price', leader.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-1', salePriceFen: -100, quantity: 1, endsAt: new Date(Date.now() + 60_000).toISOString() }), 400, /^salePriceFen: must not be negative$/],
      ['price over the bound', leader.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-1', salePriceFen: 100_000_001, quantity: 1, endsAt: new Date(Date.now() + 60_000).toISOString() }), 400, /^salePriceFen: must be at most 100000000 fen$/],
      ['empty pool', leader.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-1', salePriceFen: 100, quantity: 0, endsAt: new Date(Date.now() + 60_000).toISOString() }), 400, /^quantity: quantity must be at least 1$/],
      ['more than the stock', leader.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-1', salePriceFen: 100, quantity: 1000, endsAt: new Date(Date.now() + 60_000).toISOString() }), 409, /quantity/],
      ['ends before it starts', leader.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-1', salePriceFen: 100, quantity: 1, endsAt: '2020-01-01T00:00:00Z' }), 400, /endsAt/],
      ['garbage JWT', new Api(core.url, 'garbage').post('/api/v1/orders', { flashSaleId, qty: 1 }, key), 401, /token/],
      ['no JWT', new Api(core.url).get('/api/v1/orders'), 401, /Bearer/],
      ['JWT signed with another key', new Api(core.url, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJidXllci0xIiwicm9sZSI6ImFkbWluIiwiaXNzIjoibGl2ZWNvbW1lcmNlIn0.c2lnbmF0dXJlLXdyb25n').get('/api/v1/orders'), 401, /token/],
      ['unknown dev user', new Api(core.url).post('/api/v1/auth/dev-login', { userId: 'root' }), 404, /userId/],
    ];
    for (const [name, request, status, message] of cases) {
      const r = await request;
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.code, 'string', name);
      assert.match(r.body.message, message, name);
    }
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.sold, stats.body.available], [0, 0, 5]);
    assert.equal((await buyer.get('/api/v1/orders')).body.orders.length, 0);
    for (const svc of [core.gateway, core.order, core.inventory]) {
      assert.equal((await fetch(`http://127.0.0.1:${svc.runtime.httpPort}/readyz`)).status, 200);
    }
  });

  it("limits - a pool may not allow more per buyer than its SKU does, and the pool's limit holds", async () => {
    const tooGenerous = await createFlashSale(leader, { quantity: 4, perBuyerLimit: 3, skuPerBuyerLimit: 2 }).catch((e: Error) => e);
    assert.ok(tooGenerous instanceof Error);
    assert.match(tooGenerous.message, /400.*perBuyerLimit: at most 2, the SKU's own limit per buyer/);
    const { flashSaleId } = await createFlashSale(leader, { quantity: 4, perBuyerLimit: 2, skuPerBuyerLimit: 2 });
    const over = await buyer.post('/api/v1/orders', { flashSaleId, qty: 3 }, { 'idempotency-key': 'limit-3' });
    assert.equal(over.status, 409);
    assert.equal(over.body.code, 'LIMIT_REACHED');
    assert.equal((await buyer.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'limit-2' })).status, 201);
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.available], [2, 2]);
  });

  it('expiry - unpaid orders are cancelled after the deadline and their units return exactly once', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 6, perBuyerLimit: 3, holdSeconds: 10 });
    const others = await Promise.all([Api.login(core.url, 'buyer-202'), Api.login(core.url, 'buyer-203')]);
    const unpaid1 = await others[0]!.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'e1' });
    const unpaid2 = await others[1]!.post('/api/v1/orders', { flashSaleId, qty: 3 }, { 'idempotency-key': 'e2' });
    const paid = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'e3' });
    assert.equal((await buyer.post(`/api/v1/orders/${paid.body.id}/pay`)).body.status, 'PAID');
    // Several releases racing the sweeper: the units come back once.
    const reservationId = (await core.order.orders.get(unpaid1.body.id, '')).reservationId;
    await new Promise((r) => setTimeout(r, 10_500));
    const releases = await Promise.all(Array.from({ length: 5 }, () => core.inventory.reservations.release(reservationId, 'test race')));
    await new Promise((r) => setTimeout(r, 2_000));
    assert.ok(releases.filter((r) => r.released).length <= 1);
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.sold, stats.body.available], [0, 1, 5]);
    for (const [api, order] of [[others[0]!, unpaid1], [others[1]!, unpaid2]] as const) {
      const after = await api.get(`/api/v1/orders/${order.body.id}`);
      assert.equal(after.body.status, 'CANCELLED');
      assert.equal((await api.post(`/api/v1/orders/${order.body.id}/pay`)).status, 409);
    }
    // The units can be bought again, and Redis agrees with Postgres.
    assert.equal((await others[0]!.post('/api/v1/orders', { flashSaleId, qty: 3 }, { 'idempotency-key': 'e4' })).status, 201);
    const again = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([again.body.held, again.body.available], [3, 2]);
  });

  it('payment - a replayed or forged provider callback changes nothing', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 2, perBuyerLimit: 2 });
    const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'p1' });
    const paid = await buyer.post(`/api/v1/orders/${placed.body.id}/pay`);
    assert.equal(paid.body.status, 'PAID');
    const webhook = `http://127.0.0.1:${core.order.runtime.httpPort}/payments/sandbox/webhook`;
    const body = JSON.stringify({ eventId: 'evt-replay', paymentId: paid.body.paymentId, orderId: placed.body.id, amountFen: 2990, status: 'SUCCEEDED', atMs: Date.now() });
    const send = (b: string, sig: string) => fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': sig }, body: b });
    const forged = await send(body, signBody(body, 'not-the-secret-0123456789'));
    assert.equal(forged.status, 401);
    const first = await send(body, signBody(body, 'sandbox-webhook-secret-dev-only'));
    const replay = await send(body, signBody(body, 'sandbox-webhook-secret-dev-only'));
    assert.equal(first.status, 200);
    assert.equal(((await replay.json()) as { duplicate: boolean }).duplicate, true);
    const order = await buyer.get(`/api/v1/orders/${placed.body.id}`);
    assert.deepEqual(order.body.timeline.map((t: { status: string }) => t.status), ['PENDING_PAYMENT', 'PAID']);
    const stats = await buyer.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.sold, stats.body.available], [1, 1]);
  });
});
