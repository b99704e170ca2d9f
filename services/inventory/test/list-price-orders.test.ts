// Ordering a SKU at its list price, outside any flash sale: the hold comes from the SKU's free
// stock within its own per-buyer limit (or the default one) and the cap on a buyer's unpaid
// holds, paying sells the units, cancelling or expiry frees them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, shopper, stockProduct } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { coreWithStock, shownAvailable, shownSku } from '../../../test-support/stock.js';

describe('orders at list price', () => {
  const ctx = coreWithStock({
    inventory: { LIST_PRICE_HOLD_SECONDS: '3', SWEEP_GRACE_MS: '500', SKU_DEFAULT_PER_BUYER_LIMIT: '6', MAX_OPEN_LIST_PRICE_HOLDS: '3' },
    order: { EXPIRY_INTERVAL_MS: '200' },
  });

  /** A product with one SKU: its id. */
  const sku = async (opts: { listPriceFen: number; perBuyerLimit: number; stock: number }) => {
    const product = await stockProduct(ctx.core.url, 'leader-1', {
      name: '土鸡蛋 Free-range eggs',
      skus: [{ name: '30 eggs', listPriceFen: opts.listPriceFen, perBuyerLimit: opts.perBuyerLimit, initialStock: opts.stock }],
    });
    return product.skus[0]!.id;
  };
  const stock = (skuId: string) => ctx.stocks.of(skuId);

  it('list price - order, replay, pay and cancel move the SKU stock; the price is the list price in fen', async () => {
    const skuId = await sku({ listPriceFen: 2590, perBuyerLimit: 0, stock: 5 });
    const buyer = await shopper(ctx.core.url, 'buyer-301');
    const placed = await buyer.post('/api/v1/orders', { skuId, qty: 2 }, { 'idempotency-key': 'eggs-1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.status, 'PENDING_PAYMENT');
    assert.deepEqual([placed.body.skuId, placed.body.flashSaleId, placed.body.unitPriceFen, placed.body.totalFen], [skuId, '', 2590, 5180]);
    assert.equal(placed.body.warehouseId, 'wh-1');
    assert.deepEqual(await stock(skuId), [5, 2]);
    assert.equal(await shownAvailable(buyer, skuId), 3, 'the catalog shows what is left');

    const replay = await buyer.post('/api/v1/orders', { skuId, qty: 2 }, { 'idempotency-key': 'eggs-1' });
    assert.equal(replay.status, 200);
    assert.equal(replay.body.id, placed.body.id);
    const reused = await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'eggs-1' });
    assert.equal(reused.status, 409);
    assert.equal(reused.body.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.deepEqual(await stock(skuId), [5, 2], 'replays hold nothing more');

    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    assert.deepEqual(await stock(skuId), [3, 0], 'sold units leave the shelf');

    const second = await buyer.post('/api/v1/orders', { skuId, qty: 3 }, { 'idempotency-key': 'eggs-2' });
    assert.equal(second.status, 201);
    const more = await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'eggs-3' });
    assert.equal(more.status, 409);
    assert.equal(more.body.code, 'SOLD_OUT');
    assert.equal((await buyer.post(`/api/v1/orders/${second.body.id}/cancel`)).body.status, 'CANCELLED');
    assert.deepEqual(await stock(skuId), [3, 0], 'cancelled units are free again');
    assert.equal(await shownAvailable(buyer, skuId), 3);
  });

  it('list price - a buyer sees how much of the limit they have used; others see their own, staff see none', async () => {
    const skuId = await sku({ listPriceFen: 1200, perBuyerLimit: 3, stock: 10 });
    const buyer = await shopper(ctx.core.url, 'buyer-330');
    const other = await shopper(ctx.core.url, 'buyer-331');
    const shown = async (who: Api) => (await shownSku(who, skuId))!;
    assert.equal((await shown(buyer)).boughtByYou, 0);

    const kept = await buyer.post('/api/v1/orders', { skuId, qty: 2 }, { 'idempotency-key': 'used-1' });
    const dropped = await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'used-2' });
    assert.deepEqual([kept.status, dropped.status], [201, 201]);
    assert.equal((await shown(buyer)).boughtByYou, 3, 'held units count against the limit');
    assert.equal((await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'used-3' })).body.code, 'LIMIT_REACHED');

    assert.equal((await buyer.post(`/api/v1/orders/${kept.body.id}/pay`)).body.status, 'PAID');
    assert.equal((await buyer.post(`/api/v1/orders/${dropped.body.id}/cancel`)).body.status, 'CANCELLED');
    assert.equal((await shown(buyer)).boughtByYou, 2, 'bought units still count, a cancelled one no longer does');
    assert.equal((await shown(other)).boughtByYou, 0);
    assert.equal('boughtByYou' in (await shown(ctx.leader)), false);
    // Reads of one product, for anyone, carry no buyer's count.
    const one = await buyer.get(`/api/v1/products/${(await shown(buyer)).productId}`);
    assert.equal(one.status, 200);
    assert.equal(JSON.stringify(one.body).includes('bought'), false);
  });

  it('list price - 20 buyers tapping twice at once on 5 units with limit 1: exactly 5 orders, one per buyer at most', async () => {
    const skuId = await sku({ listPriceFen: 990, perBuyerLimit: 1, stock: 5 });
    const buyers = await Promise.all(Array.from({ length: 20 }, (_, i) => shopper(ctx.core.url, `buyer-${400 + i}`)));
    const answers = await Promise.all(
      buyers.flatMap((b, i) => [`a-${i}`, `b-${i}`].map((key) => b.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': key }))),
    );
    const placed = answers.filter((a) => a.status === 201);
    assert.equal(placed.length, 5);
    assert.equal(new Set(placed.map((a) => a.body.buyerId)).size, 5, 'nobody over the SKU limit');
    assert.ok(answers.every((a) => a.status === 201 || (a.status === 409 && ['SOLD_OUT', 'LIMIT_REACHED'].includes(a.body.code))), JSON.stringify(answers.map((a) => a.status)));
    assert.deepEqual(await stock(skuId), [5, 5]);
  });

  it('list price - an unpaid order expires and its units come back exactly once', async () => {
    const skuId = await sku({ listPriceFen: 1500, perBuyerLimit: 0, stock: 4 });
    const buyer = await shopper(ctx.core.url, 'buyer-501');
    const placed = await buyer.post('/api/v1/orders', { skuId, qty: 3 }, { 'idempotency-key': 'late' });
    assert.equal(placed.status, 201);
    assert.deepEqual(await stock(skuId), [4, 3]);
    await poll('the order to expire', async () => ((await buyer.get(`/api/v1/orders/${placed.body.id}`)).body.status === 'CANCELLED' ? true : undefined));
    // Expiry, the sweeper and late releases all race; the stock moves once.
    const reservationId = (await ctx.core.order.orders.get(placed.body.id, '')).reservationId;
    const releases = await Promise.all(Array.from({ length: 5 }, () => ctx.core.inventory.reservations.release(reservationId, 'test race')));
    assert.equal(releases.filter((r) => r.released).length, 0, 'already released by expiry');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await stock(skuId), [4, 0]);
  });

  it('list price - bad requests name the problem and change nothing', async () => {
    const skuId = await sku({ listPriceFen: 100, perBuyerLimit: 0, stock: 2 });
    const buyer = await shopper(ctx.core.url, 'buyer-601');
    const key = { 'idempotency-key': 'bad' };
    const cases: [unknown, number, RegExp][] = [
      [{ qty: 1 }, 400, /flashSaleId or skuId/],
      [{ skuId: 'eggs', qty: 1 }, 400, /skuId/],
      [{ skuId: '00000000-0000-4000-8000-000000000000', qty: 1 }, 404, /skuId/],
      [{ skuId, qty: 0 }, 400, /qty/],
      [{ skuId, qty: 3 }, 409, /sold out/],
    ];
    for (const [body, status, message] of cases) {
      const r = await buyer.post('/api/v1/orders', body, key);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match(r.body.message, message);
    }
    assert.deepEqual(await stock(skuId), [2, 0]);
    assert.equal((await buyer.get('/api/v1/orders')).body.orders.length, 0);
  });

  it('list price - a SKU without its own limit gets the default one: one buyer cannot hold the shelf', async () => {
    const skuId = await sku({ listPriceFen: 800, perBuyerLimit: 0, stock: 500 });
    const buyer = await shopper(ctx.core.url, 'buyer-701');
    const all = await buyer.post('/api/v1/orders', { skuId, qty: 500 }, { 'idempotency-key': 'shelf' });
    assert.deepEqual([all.status, all.body.code], [409, 'LIMIT_REACHED']);
    const seven = await buyer.post('/api/v1/orders', { skuId, qty: 7 }, { 'idempotency-key': 'seven' });
    assert.deepEqual([seven.status, seven.body.code], [409, 'LIMIT_REACHED']);
    assert.deepEqual(await stock(skuId), [500, 0], 'refusals hold nothing');
    const six = await buyer.post('/api/v1/orders', { skuId, qty: 6 }, { 'idempotency-key': 'six' });
    assert.equal(six.status, 201, JSON.stringify(six.body));
    const more = await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'one-more' });
    assert.deepEqual([more.status, more.body.code], [409, 'LIMIT_REACHED']);
    // The SKU's own limit, when set, still wins over the default (higher or lower).
    const own = await sku({ listPriceFen: 800, perBuyerLimit: 8, stock: 20 });
    assert.equal((await buyer.post('/api/v1/orders', { skuId: own, qty: 8 }, { 'idempotency-key': 'own-8' })).status, 201);
    assert.deepEqual(await stock(skuId), [500, 6]);
  });

  it('list price - open unpaid holds per buyer are capped across SKUs; paying or cancelling one frees a place', async () => {
    const skus = await Promise.all(Array.from({ length: 5 }, () => sku({ listPriceFen: 300, perBuyerLimit: 0, stock: 10 })));
    const buyer = await shopper(ctx.core.url, 'buyer-702');
    // Four tapped at once: the cap (3) holds under concurrency too.
    const answers = await Promise.all(skus.slice(0, 4).map((skuId, i) => buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': `open-${i}` })));
    const placed = answers.filter((a) => a.status === 201);
    assert.equal(placed.length, 3, JSON.stringify(answers.map((a) => [a.status, a.body.code])));
    const refused = answers.find((a) => a.status !== 201)!;
    assert.deepEqual([refused.status, refused.body.code], [409, 'LIMIT_REACHED']);
    assert.equal((await buyer.post('/api/v1/orders', { skuId: skus[4], qty: 1 }, { 'idempotency-key': 'open-4' })).body.code, 'LIMIT_REACHED');
    // A replay of an open hold is still answered.
    const replay = await buyer.post('/api/v1/orders', { skuId: placed[0]!.body.skuId, qty: 1 }, { 'idempotency-key': `open-${answers.indexOf(placed[0]!)}` });
    assert.deepEqual([replay.status, replay.body.id], [200, placed[0]!.body.id]);
    // Another buyer is not affected.
    const other = await shopper(ctx.core.url, 'buyer-703');
    assert.equal((await other.post('/api/v1/orders', { skuId: skus[4], qty: 1 }, { 'idempotency-key': 'x' })).status, 201);

    assert.equal((await buyer.post(`/api/v1/orders/${placed[0]!.body.id}/pay`)).body.status, 'PAID');
    assert.equal((await buyer.post(`/api/v1/orders/${placed[1]!.body.id}/cancel`)).body.status, 'CANCELLED');
    const a = await buyer.post('/api/v1/orders', { skuId: skus[4], qty: 1 }, { 'idempotency-key': 'after-1' });
    const b = await buyer.post('/api/v1/orders', { skuId: skus[4], qty: 1 }, { 'idempotency-key': 'after-2' });
    const c = await buyer.post('/api/v1/orders', { skuId: skus[4], qty: 1 }, { 'idempotency-key': 'after-3' });
    assert.deepEqual([a.status, b.status, c.body.code], [201, 201, 'LIMIT_REACHED']);
  });
});
