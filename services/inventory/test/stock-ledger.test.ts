// The stock ledger through the REST API on real Postgres, Redis and NATS (issue 16 point 6):
// receipts and adjustments move the on-hand figure exactly, sales are movements too, and after
// every step on_hand equals the sum of the SKU's movements; keys make retries safe; bad input,
// over-adjustments and strangers are refused and change nothing; low-stock alerts appear at the level.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Api, createFlashSale, shopper, stockProduct } from '../../../test-support/api.js';
import { coreWithStock } from '../../../test-support/stock.js';
import { localDate } from '@lc/contracts';

const DEFAULT_LEVEL = 5;

describe('stock ledger', () => {
  const ctx = coreWithStock({ inventory: { LOW_STOCK_DEFAULT_LEVEL: String(DEFAULT_LEVEL) } });
  const staff = () => Api.login(ctx.core.url, 'warehouse-1');
  const today = () => localDate(Date.now(), 'Asia/Shanghai');
  const daysFromToday = (days: number) => new Date(Date.parse(`${today()}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

  const newSku = async (initialStock: number) =>
    (await stockProduct(ctx.core.url, 'leader-1', { name: '有机鸡蛋 Organic eggs', skus: [{ name: '30 枚 30 eggs', listPriceFen: 3990, initialStock }] })).skus[0]!.id;
  const receive = (who: Api, body: Record<string, unknown>, key: string = randomUUID()) => who.post('/api/v1/stock/receipts', body, { 'idempotency-key': key });
  const adjust = (who: Api, body: Record<string, unknown>, key: string = randomUUID()) => who.post('/api/v1/stock/adjustments', body, { 'idempotency-key': key });
  const put = (who: Api, body: unknown) => who.request('PUT', '/api/v1/stock/alert-levels', body);

  /** [on_hand from the stock row, the sum of the ledger, the number of movements] of the SKU at wh-1. */
  const ledgerOf = async (skuId: string) => {
    const [row] = await ctx.stocks.query<{ on_hand: number; total: number; n: number }>(
      (s) => `SELECT (SELECT on_hand FROM ${s}.stock WHERE sku_id = $1 AND warehouse_id = 'wh-1') AS on_hand,
                     COALESCE(SUM(qty), 0)::int AS total, count(*)::int AS n
              FROM ${s}.stock_movements WHERE sku_id = $1 AND warehouse_id = 'wh-1'`,
      [skuId],
    );
    return [row!.on_hand, row!.total, row!.n] as const;
  };
  /** The invariant over the whole schema: every stock row equals its movements' sum. */
  const assertInvariant = async () => {
    const off = await ctx.stocks.query(
      (s) => `SELECT s.sku_id, s.warehouse_id, s.on_hand, COALESCE(m.total, 0) AS total FROM ${s}.stock s
              LEFT JOIN (SELECT sku_id, warehouse_id, SUM(qty)::int AS total FROM ${s}.stock_movements GROUP BY 1, 2) m USING (sku_id, warehouse_id)
              WHERE s.on_hand <> COALESCE(m.total, 0)`,
    );
    assert.deepEqual(off, [], 'on_hand equals the sum of movements for every SKU and warehouse');
  };

  it('stock ledger - receipts and adjustments move the derived on-hand exactly, and a key replays the first movement', async () => {
    const w = await staff();
    const skuId = await newSku(10);
    assert.deepEqual(await ledgerOf(skuId), [10, 10, 1], 'the stock given with the product is the first movement');

    const expiresOn = daysFromToday(30);
    const received = await receive(w, { skuId, qty: 25, batch: 'B-2026-12-01', expiresOn, note: '到货 delivery' }, 'rcv-1');
    assert.equal(received.status, 201, JSON.stringify(received.body));
    assert.deepEqual(
      [received.body.movement.kind, received.body.movement.qty, received.body.movement.onHandAfter, received.body.movement.batch, received.body.movement.expiresOn],
      ['RECEIPT', 25, 35, 'B-2026-12-01', expiresOn],
    );
    assert.equal(received.body.level.onHand, 35);
    assert.deepEqual(await ledgerOf(skuId), [35, 35, 2]);

    const replay = await receive(w, { skuId, qty: 25, batch: 'B-2026-12-01', expiresOn, note: '到货 delivery' }, 'rcv-1');
    assert.equal(replay.status, 200, 'a retried receipt answers with the first movement');
    assert.equal(replay.body.movement.id, received.body.movement.id);
    const reused = await receive(w, { skuId, qty: 26 }, 'rcv-1');
    assert.equal(reused.status, 409, 'a key used for another movement is refused');
    assert.match(reused.body.message, /^clientKey/);
    assert.deepEqual(await ledgerOf(skuId), [35, 35, 2], 'neither the replay nor the reused key moved stock');

    const damaged = await adjust(w, { reason: 'DAMAGE', skuId, qty: 3, note: '破损 crushed' });
    assert.equal(damaged.status, 201, JSON.stringify(damaged.body));
    assert.deepEqual([damaged.body.movement.qty, damaged.body.level.onHand], [-3, 32]);

    const counted = await adjust(w, { reason: 'COUNT', skuId, counted: 30 }, 'count-1');
    assert.equal(counted.status, 201, JSON.stringify(counted.body));
    assert.deepEqual([counted.body.movement.kind, counted.body.movement.counted, counted.body.movement.qty, counted.body.level.onHand], ['COUNT', 30, -2, 30], 'a count sets the figure and records the difference');
    const recount = await adjust(w, { reason: 'COUNT', skuId, counted: 30 }, 'count-1');
    assert.equal(recount.status, 200);
    const matching = await adjust(w, { reason: 'COUNT', skuId, counted: 30 });
    assert.deepEqual([matching.status, matching.body.movement.qty], [201, 0], 'a count that matches the shelf is recorded with no difference');
    const up = await adjust(w, { reason: 'COUNT', skuId, counted: 33 });
    assert.deepEqual([up.body.movement.qty, up.body.level.onHand], [3, 33], 'a count above the figure adds the difference');
    assert.deepEqual(await ledgerOf(skuId), [33, 33, 6]);

    const page = await w.get(`/api/v1/stock/movements?skuId=${skuId}&limit=4`);
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.movements.map((m: { kind: string; qty: number; onHandAfter: number }) => [m.kind, m.qty, m.onHandAfter]),
      [['COUNT', 3, 33], ['COUNT', 0, 30], ['COUNT', -2, 30], ['DAMAGE', -3, 32]],
      'newest first, each with the on-hand figure it left',
    );
    const older = await w.get(`/api/v1/stock/movements?skuId=${skuId}&limit=4&before=${page.body.nextBefore}`);
    assert.deepEqual(older.body.movements.map((m: { kind: string }) => m.kind), ['RECEIPT', 'INITIAL']);
    assert.equal(older.body.nextBefore, null);

    const edit = await ctx.stocks.query((s) => `UPDATE ${s}.stock_movements SET qty = 99 WHERE sku_id = $1`, [skuId]).then(
      () => 'changed',
      (e: Error) => e.message,
    );
    assert.match(edit, /append-only/, 'the ledger refuses edits');
    await assertInvariant();
  });

  it('stock ledger - concurrent receipts and retries each count exactly once', async () => {
    const w = await staff();
    const skuId = await newSku(0);
    const receipts = Array.from({ length: 24 }, (_, i) => ({ key: `par-${skuId}-${i}`, qty: i + 1 }));
    // Every receipt sent three times at once, as a flaky network would.
    const answers = await Promise.all(receipts.flatMap((r) => [0, 1, 2].map(() => receive(w, { skuId, qty: r.qty, batch: 'P1' }, r.key))));
    assert.ok(answers.every((a) => a.status === 201 || a.status === 200), JSON.stringify(answers.find((a) => a.status >= 300)?.body));
    assert.equal(answers.filter((a) => a.status === 201).length, 24, 'one movement per key');
    const expected = receipts.reduce((n, r) => n + r.qty, 0);
    assert.deepEqual(await ledgerOf(skuId), [expected, expected, 24]);
    // Concurrent damage reports racing the shelf: only as many as the free units allow succeed.
    const damage = await Promise.all(Array.from({ length: 40 }, () => adjust(w, { reason: 'DAMAGE', skuId, qty: 10 })));
    const taken = damage.filter((d) => d.status === 201).length;
    assert.equal(taken, Math.floor(expected / 10), 'damage never takes the shelf below zero');
    assert.ok(damage.every((d) => d.status === 201 || d.status === 409));
    assert.deepEqual(await ledgerOf(skuId), [expected - taken * 10, expected - taken * 10, 24 + taken]);
    await assertInvariant();
  });

  it('stock ledger - sales are movements; units promised to pools and holds cannot be adjusted away', async () => {
    const w = await staff();
    const { skuId, flashSaleId } = await createFlashSale(ctx.leader, { quantity: 6, perBuyerLimit: 3, stock: 10 });
    const buyer = await shopper(ctx.core.url, 'buyer-901');
    const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'ledger-sale' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    const atList = await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'ledger-list' });
    assert.equal(atList.status, 201, JSON.stringify(atList.body));
    assert.equal((await buyer.post(`/api/v1/orders/${atList.body.id}/pay`)).body.status, 'PAID');
    // 10 - 2 sold from the pool - 1 sold at list price; 4 still in the pool.
    assert.deepEqual(await ctx.stocks.of(skuId), [7, 4]);
    assert.deepEqual(await ledgerOf(skuId), [7, 7, 3]);
    const sales = (await w.get(`/api/v1/stock/movements?skuId=${skuId}`)).body.movements.filter((m: { kind: string }) => m.kind === 'SALE');
    assert.deepEqual(sales.map((m: { qty: number }) => m.qty).sort(), [-1, -2]);

    const held = await buyer.post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'ledger-held' });
    assert.equal(held.status, 201);
    // 7 on hand, 4 in the pool and 1 held: 2 may come off.
    const over = await adjust(w, { reason: 'DAMAGE', skuId, qty: 3 });
    assert.equal(over.status, 409);
    assert.match(over.body.message, /^qty: 5 of the 7 units on hand are promised/);
    const below = await adjust(w, { reason: 'COUNT', skuId, counted: 4 });
    assert.equal(below.status, 409, 'a count below what is promised is refused');
    const beyond = await adjust(w, { reason: 'DAMAGE', skuId, qty: 8 });
    assert.equal(beyond.status, 409);
    assert.match(beyond.body.message, /only 7 units are on hand/);
    assert.deepEqual(await ledgerOf(skuId), [7, 7, 3], 'refused adjustments moved nothing');
    const ok = await adjust(w, { reason: 'COUNT', skuId, counted: 5 });
    assert.equal(ok.status, 201, 'down to what is promised is allowed');
    assert.deepEqual(await ctx.stocks.of(skuId), [5, 5]);
    assert.equal((await buyer.post(`/api/v1/orders/${held.body.id}/pay`)).body.status, 'PAID', 'the promised unit is still sold');
    assert.deepEqual(await ledgerOf(skuId), [4, 4, 5]);
    await assertInvariant();
  });

  it('stock ledger - bad input is a 4xx naming the problem and changes nothing', async () => {
    const w = await staff();
    const skuId = await newSku(4);
    const before = await ledgerOf(skuId);
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      ['receipts', { skuId, qty: 0 }, 400, /^qty/],
      ['receipts', { skuId, qty: 2.5 }, 400, /^qty/],
      ['receipts', { skuId, qty: -4 }, 400, /^qty/],
      ['receipts', { skuId, qty: '3' }, 400, /^qty/],
      ['receipts', { skuId, qty: 3, expiresOn: '2027-02-30' }, 400, /^expiresOn: 2027-02-30 is not a date/],
      ['receipts', { skuId, qty: 3, expiresOn: 'next week' }, 400, /^expiresOn/],
      ['receipts', { skuId, qty: 3, expiresOn: daysFromToday(-1) }, 400, /^expiresOn: .* is already past/],
      ['receipts', { skuId, qty: 3, expiresOn: daysFromToday(366 * 21) }, 400, /^expiresOn: .* years away/],
      ['receipts', { skuId, qty: 3, batch: 'x'.repeat(65) }, 400, /^batch/],
      ['receipts', { skuId: 'eggs', qty: 3 }, 400, /^skuId/],
      ['receipts', { skuId: randomUUID(), qty: 3 }, 404, /^skuId: no SKU/],
      ['adjustments', { reason: 'THEFT', skuId, qty: 1 }, 400, /^reason/],
      ['adjustments', { reason: 'DAMAGE', skuId, qty: 0 }, 400, /^qty/],
      ['adjustments', { reason: 'COUNT', skuId, counted: -1 }, 400, /^counted/],
      ['adjustments', { reason: 'COUNT', skuId }, 400, /^counted/],
      ['adjustments', { reason: 'DAMAGE', skuId: randomUUID(), qty: 1 }, 404, /^skuId/],
    ];
    for (const [path, body, status, message] of cases) {
      const r = await w.post(`/api/v1/stock/${path}`, body, { 'idempotency-key': randomUUID() });
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, message, JSON.stringify(body));
    }
    const keyless = await w.post('/api/v1/stock/receipts', { skuId, qty: 3 });
    assert.equal(keyless.status, 400);
    assert.match(keyless.body.message, /Idempotency-Key/);
    const today = await receive(w, { skuId, qty: 1, expiresOn: daysFromToday(0) });
    assert.equal(today.status, 201, 'goods expiring today (in the warehouse zone) are still received');
    assert.deepEqual(await ledgerOf(skuId), [before[0] + 1, before[1] + 1, before[2] + 1], 'only the good receipt moved stock');
  });

  it('stock ledger - only staff of the warehouse and admins may receive, adjust or read it', async () => {
    const skuId = await newSku(2);
    for (const userId of ['buyer-902', 'leader-1', 'driver-1']) {
      const who = await Api.login(ctx.core.url, userId);
      assert.equal((await receive(who, { skuId, qty: 5 })).status, 403, userId);
      assert.equal((await adjust(who, { reason: 'DAMAGE', skuId, qty: 1 })).status, 403, userId);
      assert.equal((await who.get('/api/v1/stock/movements?warehouseId=wh-1')).status, 403, userId);
      assert.equal((await who.get('/api/v1/stock/alerts?warehouseId=wh-1')).status, 403, userId);
      assert.equal((await put(who, { skuId, level: 1 })).status, 403, userId);
    }
    const other = await Api.login(ctx.core.url, 'warehouse-2');
    const foreign = await receive(other, { skuId, qty: 5, warehouseId: 'wh-1' });
    assert.equal(foreign.status, 403);
    assert.match(foreign.body.message, /^warehouseId: you work for wh-2/);
    assert.equal((await other.get('/api/v1/stock/movements?warehouseId=wh-1')).status, 403);
    assert.equal((await (await Api.login(ctx.core.url, 'warehouse-1')).get('/api/v1/stock/movements?warehouseId=wh-2')).status, 403);
    assert.equal((await new Api(ctx.core.url).post('/api/v1/stock/receipts', { skuId, qty: 5 }, { 'idempotency-key': 'anon' })).status, 401);
    assert.deepEqual(await ledgerOf(skuId), [2, 2, 1], 'nothing moved');

    const admin = await Api.login(ctx.core.url, 'admin-1');
    const unnamed = await receive(admin, { skuId, qty: 5 });
    assert.equal(unnamed.status, 400, 'an admin names the warehouse');
    assert.equal((await receive(admin, { skuId, qty: 5, warehouseId: 'wh-1' })).status, 201);
    assert.deepEqual(await ledgerOf(skuId), [7, 7, 2]);
  });

  it('stock ledger - a low-stock alert appears at the level (the SKU\'s own, else the default)', async () => {
    const w = await staff();
    const skuId = await newSku(DEFAULT_LEVEL + 3);
    const alerts = async () => ((await w.get('/api/v1/stock/alerts')).body.levels as { skuId: string }[]).map((l) => l.skuId);
    const boardLevel = async () => ((await w.get('/api/v1/stock/board')).body.levels as { skuId: string; alertLevel: number; alertLevelIsDefault: boolean; low: boolean }[]).find((l) => l.skuId === skuId)!;
    assert.equal((await w.get('/api/v1/stock/board')).body.defaultAlertLevel, DEFAULT_LEVEL);
    assert.deepEqual(await boardLevel(), { ...(await boardLevel()), alertLevel: DEFAULT_LEVEL, alertLevelIsDefault: true, low: false });
    assert.ok(!(await alerts()).includes(skuId));

    const set = await put(w, { skuId, level: DEFAULT_LEVEL + 3 });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.alertLevel, set.body.alertLevelIsDefault, set.body.low], [DEFAULT_LEVEL + 3, false, true], 'low at the level, not only below it');
    assert.ok((await alerts()).includes(skuId));

    assert.equal((await put(w, { skuId, level: null })).body.alertLevelIsDefault, true, 'null goes back to the default');
    assert.ok(!(await alerts()).includes(skuId));
    assert.equal((await adjust(w, { reason: 'DAMAGE', skuId, qty: 2 })).body.level.low, false, `${DEFAULT_LEVEL + 1} on hand is above the default`);
    assert.equal((await adjust(w, { reason: 'DAMAGE', skuId, qty: 1 })).body.level.low, true, 'at the default level it is low');
    assert.ok((await alerts()).includes(skuId));
    assert.equal((await receive(w, { skuId, qty: 1 })).body.level.low, false, 'a receipt clears the alert');

    for (const bad of [{ skuId, level: -1 }, { skuId, level: 1.5 }, { skuId }, { skuId: randomUUID(), level: 3 }]) {
      const r = await put(w, bad);
      assert.ok(r.status === 400 || r.status === 404, JSON.stringify([bad, r.body]));
    }
    assert.equal((await boardLevel()).alertLevelIsDefault, true, 'refused levels changed nothing');
  });
});
