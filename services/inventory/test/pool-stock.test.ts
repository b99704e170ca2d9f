// A flash-sale pool's units and the warehouse's stock: creating the pool sets its units aside,
// paying takes units off the shelf, and once the sale is over what nobody bought is free again,
// each unit once however many sweepers race; warehouse staff see that stock per SKU.
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HotPools } from '../src/adapters/hot-pool.js';
import { ReservationStore } from '../src/adapters/reservation-store.js';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';
import { coreWithStock, shownAvailable } from '../../../test-support/stock.js';

describe('flash-sale pools and warehouse stock', () => {
  const ctx = coreWithStock({ inventory: { POOL_CLOSE_DELAY_MS: '300', SWEEP_INTERVAL_MS: '200' } });

  const order = async (buyer: Api, flashSaleId: string, qty: number, key: string) => {
    const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty }, { 'idempotency-key': key });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    return placed.body.id as string;
  };
  const pool = async (flashSaleId: string) =>
    (await ctx.stocks.query<{ returned: number; closed: boolean }>((s) => `SELECT returned, closed_at IS NOT NULL AS closed FROM ${s}.flash_sales WHERE id = $1`, [flashSaleId]))[0]!;
  const stockBecomes = (skuId: string, expected: [number, number]) =>
    poll(`stock ${JSON.stringify(expected)}`, async () => (JSON.stringify(await ctx.stocks.of(skuId)) === JSON.stringify(expected) ? true : undefined));

  it('pool stock - sold units leave the shelf, and what nobody bought is free again once the sale ends', async () => {
    const { skuId, flashSaleId } = await createFlashSale(ctx.leader, { quantity: 6, perBuyerLimit: 2, stock: 10 });
    const [a, b, c, d] = await Promise.all(['buyer-701', 'buyer-702', 'buyer-703', 'buyer-704'].map((id) => Api.login(ctx.core.url, id)));
    assert.deepEqual(await ctx.stocks.of(skuId), [10, 6], 'the pool sets its units aside');
    assert.equal(await shownAvailable(a!, skuId), 4);

    const paid = await order(a!, flashSaleId, 2, 'a');
    assert.equal((await a!.post(`/api/v1/orders/${paid}/pay`)).body.status, 'PAID');
    assert.deepEqual(await ctx.stocks.of(skuId), [8, 4], 'sold units leave the shelf and the pool');
    const payLater = await order(b!, flashSaleId, 1, 'b');
    const cancelLater = await order(c!, flashSaleId, 1, 'c');
    const cancelNow = await order(d!, flashSaleId, 1, 'd');
    assert.equal((await d!.post(`/api/v1/orders/${cancelNow}/cancel`)).body.status, 'CANCELLED');
    assert.deepEqual(await ctx.stocks.of(skuId), [8, 4], 'a unit released during the sale goes back to the pool, not the shelf');

    assert.equal((await ctx.leader.post(`/api/v1/flash-sales/${flashSaleId}/end`)).status, 200);
    // 6 units: 2 sold, 2 still held by orders awaiting payment, 2 unsold.
    await stockBecomes(skuId, [8, 2]);
    assert.deepEqual(await pool(flashSaleId), { returned: 2, closed: false }, 'still open: two holds may yet be paid');
    assert.equal(await shownAvailable(a!, skuId), 6);

    assert.equal((await b!.post(`/api/v1/orders/${payLater}/pay`)).body.status, 'PAID', 'a hold outlives the sale until its deadline');
    assert.deepEqual(await ctx.stocks.of(skuId), [7, 1]);
    assert.equal((await c!.post(`/api/v1/orders/${cancelLater}/cancel`)).body.status, 'CANCELLED');
    await stockBecomes(skuId, [7, 0]);
    await poll('the pool to close', async () => ((await pool(flashSaleId)).closed ? true : undefined));
    assert.deepEqual(await pool(flashSaleId), { returned: 3, closed: true });

    // Later sweeps change nothing.
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(await ctx.stocks.of(skuId), [7, 0]);
    const staff = await Api.login(ctx.core.url, 'warehouse-1');
    const level = (await staff.get('/api/v1/stock?warehouseId=wh-1')).body.levels.find((l: { skuId: string }) => l.skuId === skuId);
    assert.deepEqual([level.onHand, level.inPools, level.heldAtListPrice, level.free], [7, 0, 0, 7], 'the warehouse sees the same stock');
    assert.equal(await shownAvailable(a!, skuId), 7);
    const left = await a!.post('/api/v1/orders', { skuId, qty: 7 }, { 'idempotency-key': 'after' });
    assert.equal(left.status, 201, 'the returned units can be bought at list price');
  });

  it('pool stock - sweepers racing to close a pool return each unit once', async () => {
    const { skuId, flashSaleId } = await createFlashSale(ctx.leader, { quantity: 5, perBuyerLimit: 5, stock: 5 });
    const buyer = await Api.login(ctx.core.url, 'buyer-801');
    const held = await order(buyer, flashSaleId, 2, 'held');
    assert.equal((await ctx.leader.post(`/api/v1/flash-sales/${flashSaleId}/end`)).status, 200);
    const stores = Array.from({ length: 6 }, () => new ReservationStore(ctx.core.inventory.runtime.pool!));
    const race = () => Promise.all(stores.map((s) => s.returnUnsold(0)));
    const unitsOf = (passes: Awaited<ReturnType<typeof race>>) => passes.flat().filter((p) => p.flashSaleId === flashSaleId).reduce((n, p) => n + p.units, 0);

    const first = unitsOf(await race());
    await stockBecomes(skuId, [5, 2]);
    assert.ok(first <= 3, `returned ${first} of 3 unsold units in one race`);
    assert.equal((await buyer.post(`/api/v1/orders/${held}/cancel`)).body.status, 'CANCELLED');
    await race();
    await stockBecomes(skuId, [5, 0]);
    await race();
    assert.deepEqual(await ctx.stocks.of(skuId), [5, 0]);
    assert.deepEqual(await pool(flashSaleId), { returned: 5, closed: true });
  });

  it('pool stock - a hold in flight keeps the pool open; one reaching Postgres after the close is refused and given back', async () => {
    const { skuId, flashSaleId } = await createFlashSale(ctx.leader, { quantity: 3, perBuyerLimit: 3, stock: 5 });
    const buyer = await Api.login(ctx.core.url, 'buyer-901');
    const warm = await order(buyer, flashSaleId, 1, 'warm'); // loads the pool into Redis
    assert.equal((await buyer.post(`/api/v1/orders/${warm}/cancel`)).body.status, 'CANCELLED');

    // A hold insert still in flight when the sale ends: no sweeper pass closes the pool under it.
    const db = await ctx.core.inventory.runtime.pool!.connect();
    try {
      await db.query('BEGIN');
      await db.query(
        `INSERT INTO reservations (id, flash_sale_id, buyer_id, qty, idempotency_key, status, expires_at)
         VALUES (gen_random_uuid(), $1, 'buyer-902', 1, 'in-flight', 'HELD', now() + interval '1 minute')`,
        [flashSaleId],
      );
      assert.equal((await ctx.leader.post(`/api/v1/flash-sales/${flashSaleId}/end`)).status, 200);
      await new Promise((r) => setTimeout(r, 1000)); // five sweeper passes, past the close delay
      assert.deepEqual(await pool(flashSaleId), { returned: 0, closed: false });
      assert.deepEqual(await ctx.stocks.of(skuId), [5, 3]);
    } finally {
      await db.query('ROLLBACK');
      db.release();
    }
    await poll('the pool to close', async () => ((await pool(flashSaleId)).closed ? true : undefined));
    assert.deepEqual(await ctx.stocks.of(skuId), [5, 0], 'all three units are free again');

    // Redis still takes a hold (as a Lua step just before the end would have), but Postgres
    // refuses it: the buyer hears the sale ended, and the unit goes back in Redis too.
    const hot = new HotPools(ctx.core.inventory.runtime.redis!, ctx.iso.env('inventory').REDIS_PREFIX!);
    const [state] = hot.keys(flashSaleId);
    await ctx.core.inventory.runtime.redis!.hset(state!, 'ends', Date.now() + 60_000);
    const late = await ctx.core.inventory.reservations.reserve({ flashSaleId, buyerId: 'buyer-903', qty: 2, idempotencyKey: 'late' });
    assert.equal(late.outcome, 'ENDED');
    assert.equal(await ctx.core.inventory.runtime.redis!.hget(state!, 'held'), '0');
    const holds = await ctx.stocks.query<{ n: number }>((sc) => `SELECT count(*)::int AS n FROM ${sc}.reservations WHERE flash_sale_id = $1 AND status <> 'RELEASED'`, [flashSaleId]);
    assert.equal(holds[0]!.n, 0);
    assert.deepEqual(await ctx.stocks.of(skuId), [5, 0], 'no unit is spent twice');
    assert.equal((await buyer.post('/api/v1/orders', { skuId, qty: 5 }, { 'idempotency-key': 'all' })).status, 201, 'all five can be bought at list price');
  });

  it('pool stock - a hold whose writer died between its Lua step and its row is recorded by the retry, not refused forever', async () => {
    const { flashSaleId } = await createFlashSale(ctx.leader, { quantity: 2, perBuyerLimit: 2, stock: 2 });
    const { reservations, runtime } = ctx.core.inventory;
    const warm = await reservations.reserve({ flashSaleId, buyerId: 'buyer-951', qty: 1, idempotencyKey: 'warm' });
    assert.equal(warm.outcome, 'RESERVED');
    // The Lua step of a process killed before its insert: Redis counts the unit, Postgres has no row.
    const hot = new HotPools(runtime.redis!, ctx.iso.env('inventory').REDIS_PREFIX!);
    const holdId = randomUUID();
    const orphan = await hot.reserve(flashSaleId, { buyerId: 'buyer-952', qty: 1, key: 'orphan', holdId, expiresAtMs: Date.now() + 60_000, nowMs: Date.now() });
    assert.equal(orphan.kind, 'RESERVED');

    const retried = await reservations.reserve({ flashSaleId, buyerId: 'buyer-952', qty: 1, idempotencyKey: 'orphan' });
    assert.deepEqual([retried.outcome, retried.reservationId, retried.replayed], ['RESERVED', holdId, true], 'the retry gets the hold Redis kept');
    const rows = await ctx.stocks.query<{ id: string; status: string }>((sc) => `SELECT id, status FROM ${sc}.reservations WHERE flash_sale_id = $1 ORDER BY idempotency_key`, [flashSaleId]);
    assert.deepEqual(rows.map((r) => [r.id, r.status]), [[holdId, 'HELD'], [warm.reservationId, 'HELD']]);
    const [state] = hot.keys(flashSaleId);
    assert.equal(await runtime.redis!.hget(state!, 'held'), '2', 'Redis and Postgres agree on two held units');
    const again = await reservations.reserve({ flashSaleId, buyerId: 'buyer-952', qty: 1, idempotencyKey: 'orphan' });
    assert.equal(again.reservationId, holdId, 'a further retry answers the same hold');
    const late = await reservations.reserve({ flashSaleId, buyerId: 'buyer-953', qty: 1, idempotencyKey: 'late' });
    assert.equal(late.outcome, 'SOLD_OUT', 'the recorded hold still counts: no oversell');
  });

  it('stock - a warehouse sees its stock split into pools, list-price holds and free units; buyers may not look', async () => {
    // A second warehouse, serving leader-2, so that this SKU is the only stock there.
    const leader2 = await Api.login(ctx.core.url, 'leader-2');
    const { skuId, flashSaleId } = await createFlashSale(leader2, { quantity: 4, perBuyerLimit: 4, stock: 10, warehouseId: 'wh-2' });
    const buyer = await Api.login(ctx.core.url, 'buyer-911');
    await order(buyer, flashSaleId, 1, 'pool');
    const atListPrice = await buyer.post('/api/v1/orders', { skuId, qty: 2 }, { 'idempotency-key': 'list' });
    assert.equal(atListPrice.status, 201, JSON.stringify(atListPrice.body));

    const staff = await Api.login(ctx.core.url, 'warehouse-2');
    const seen = await staff.get('/api/v1/stock?warehouseId=wh-2');
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    assert.equal(seen.body.warehouseId, 'wh-2');
    assert.deepEqual(
      seen.body.levels.map((l: Record<string, unknown>) => [l.skuId, l.onHand, l.inPools, l.heldAtListPrice, l.free]),
      [[skuId, 10, 4, 2, 4]],
      'a unit held in a pool is still the pool\'s; the list-price hold is its own',
    );
    assert.deepEqual((await staff.get('/api/v1/stock')).body.levels.map((l: { skuId: string }) => l.skuId), [skuId], 'staff see their own warehouse by default');
    assert.equal((await leader2.get('/api/v1/stock?warehouseId=wh-2')).body.levels.length, 1, 'leaders make pools from their own SKUs');
    assert.deepEqual((await ctx.leader.get('/api/v1/stock?warehouseId=wh-2')).body.levels, [], 'another leader sees none of them');
    assert.equal((await staff.get('/api/v1/stock?warehouseId=wh-1')).status, 403, 'staff see only their own warehouse');

    const refused = await buyer.get('/api/v1/stock?warehouseId=wh-2');
    assert.equal(refused.status, 403);
    const missing = await (await Api.login(ctx.core.url, 'admin-1')).get('/api/v1/stock');
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /warehouseId/);
  });
});
