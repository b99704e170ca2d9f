// Group buys (开团) against the real services (inventory, order ×2 replicas, fulfillment, leader,
// live-room's inbox, gateway): below its minimum at the cut-off every paid order is refunded once
// at the provider with one refund event, unpaid holds go back, buyers are told and the commission
// is clawed back; at its minimum its orders reach fulfillment only then; concurrent buyers never
// pass the stock cap; replaying the cut-off on both replicas changes nothing; the leader is
// reminded once; a replica's timer runs the job by itself; other leaders and bad input are refused
// with nothing changed.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { parseConfig } from '@lc/kit';
import { Api, servedLeader, shopper, stockProduct } from '../../../test-support/api.js';
import { published } from '../../../test-support/events.js';
import { DATABASE_URL, isolate } from '../../../test-support/isolation.js';
import { startLiveRoomProcess } from '../../../test-support/live-room-browser.js';
import { freePort, startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';
import type { PaymentProvider } from '../src/adapters/payment-provider.js';
import { configShape as orderShape } from '../src/config.js';
import { startOrder } from '../src/service.js';

const HOUR = 3600_000;

/** The sandbox provider, with every refund that reaches it written down. */
function watched(provider: PaymentProvider, refunds: { paymentId: string; amountFen: number }[]): PaymentProvider {
  return {
    name: provider.name,
    charge: (p) => provider.charge(p),
    refund: async (paymentId, amountFen, reason, opts) => {
      refunds.push({ paymentId, amountFen });
      return provider.refund(paymentId, amountFen, reason, opts);
    },
  };
}

describe('group buys', { timeout: 600_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let replica: Awaited<ReturnType<typeof startOrder>>;
  let room: Awaited<ReturnType<typeof startLiveRoomProcess>>['room'];
  let db: pg.Pool;
  let nowMs = Date.now();
  const clock = () => nowMs;
  const providerRefunds: { paymentId: string; amountFen: number }[] = [];
  let skuId = '';
  const apis = new Map<string, Api>();
  const as = async (userId: string) => {
    if (!apis.has(userId)) apis.set(userId, userId.startsWith('buyer-') ? await shopper(core.url, userId) : await Api.login(core.url, userId));
    return apis.get(userId)!;
  };
  const schema = (service: string) => iso.env(service).DB_SCHEMA!;
  const rows = async (sql: string, values: unknown[] = []) =>
    (await db.query(sql.replaceAll('$order', schema('order')).replaceAll('$fulfillment', schema('fulfillment')).replaceAll('$leader', schema('leader')), values)).rows;

  before(async () => {
    const roomGrpc = await freePort();
    const quiet = { GROUP_BUY_INTERVAL_MS: '0', GROUP_BUY_REMIND_BEFORE_MS: String(HOUR / 2) };
    core = await startCore(iso, { order: quiet, gateway: { LIVE_ROOM_ADDR: `127.0.0.1:${roomGrpc}` } }, { leader: true, orderOptions: { clock, wrapProvider: (p) => watched(p, providerRefunds) } });
    // A second order replica on the same schema: the cut-off runs on both at once.
    replica = await startOrder(
      parseConfig(orderShape, { ...iso.env('order'), ...quiet, INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`, FULFILLMENT_ADDR: `127.0.0.1:${core.fulfillment!.runtime.grpcPort}` }),
      undefined,
      { clock, wrapProvider: (p) => watched(p, providerRefunds) },
    );
    ({ room } = await startLiveRoomProcess(iso, core, '', roomGrpc, { MEDIA_ENABLED: 'false' }));
    db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    const product = await stockProduct(core.url, 'leader-1', { name: '车厘子 cherries', category: 'fresh', skus: [{ name: '1 kg', listPriceFen: 9900, perBuyerLimit: 0, initialStock: 500 }] });
    skuId = product.skus[0]!.id;
    await servedLeader(core.url, 'leader-2', 'wh-1');
  });
  after(async () => {
    await room?.runtime.stop();
    await replica?.runtime.stop();
    await core?.stop();
    await db?.end();
    await iso.cleanup();
  });
  beforeEach(() => {
    nowMs = Date.now();
  });

  /** Both replicas' cut-off passes at once, as their timers would meet. */
  const cutoff = () => Promise.all([core.order.groupBuys.runDue(), replica.groupBuys.runDue()]);
  const outboxDrained = () => poll('the order outbox to drain', async () => ((await rows('SELECT count(*)::int AS n FROM $order.outbox'))[0].n === 0 ? true : undefined));
  /** Orders, money and group-buy rows of the order schema, hashed: "nothing changed" is equality. */
  const fingerprint = async () => {
    const out: Record<string, string> = {};
    for (const t of ['orders', 'order_timeline', 'payments', 'refunds', 'group_buys', 'group_buy_releases']) {
      const r = await rows(`SELECT t::text AS r FROM $order.${t} t`);
      out[t] = createHash('sha1').update(r.map((x) => x.r).sort().join('\n')).digest('hex');
    }
    return out;
  };
  const eventsOf = async (subject: string, orderIds: string[]) => (await published<{ orderId: string }>(iso, 'ORDER', subject)).filter((e) => orderIds.includes(e.orderId));

  async function openGroupBuy(terms: { title: string; stockCap: number; minQty: number; cutoffInMs?: number; perBuyerLimit?: number }) {
    const leader = await as('leader-1');
    const r = await leader.post('/api/v1/group-buys', {
      title: terms.title,
      skuId,
      warehouseId: 'wh-1',
      priceFen: 4990,
      stockCap: terms.stockCap,
      minQty: terms.minQty,
      ...(terms.perBuyerLimit ? { perBuyerLimit: terms.perBuyerLimit } : {}),
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      cutoffAt: new Date(Date.now() + (terms.cutoffInMs ?? HOUR)).toISOString(),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; flashSaleId: string; cutoffAt: string; status: string; joinedQty: number; minQty: number };
  }

  async function join(groupBuyId: string, buyerId: string, qty: number, pay = true) {
    const buyer = await as(buyerId);
    const placed = await buyer.post(`/api/v1/group-buys/${groupBuyId}/orders`, { qty }, { 'idempotency-key': `gb-${buyerId}-${groupBuyId}` });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.groupBuyId, groupBuyId, 'the order carries its group buy');
    if (!pay) return { id: placed.body.id as string, totalFen: placed.body.totalFen as number, paymentId: '' };
    const paid = await buyer.post(`/api/v1/orders/${placed.body.id}/pay`);
    assert.equal(paid.body.status, 'PAID', JSON.stringify(paid.body));
    return { id: placed.body.id as string, totalFen: placed.body.totalFen as number, paymentId: paid.body.paymentId as string };
  }

  it('group buys - below its minimum at the cut-off, every paid order is refunded once at the provider with one refund event; unpaid holds go back; buyers told; no commission', async () => {
    const g = await openGroupBuy({ title: '车厘子拼团 cherries', stockCap: 20, minQty: 10 });
    const paid = [await join(g.id, 'buyer-601', 2), await join(g.id, 'buyer-602', 2), await join(g.id, 'buyer-603', 1)];
    const unpaid = await join(g.id, 'buyer-604', 3, false);
    const buyer = await as('buyer-601');
    const progress = (await buyer.get(`/api/v1/group-buys/${g.id}`)).body;
    assert.deepEqual([progress.status, progress.joinedQty, progress.pendingQty, progress.buyers, progress.minQty, progress.missingQty, progress.progressPercent], ['OPEN', 5, 3, 3, 10, 5, 50]);
    const refundsBefore = providerRefunds.length;

    nowMs = Date.parse(g.cutoffAt) + 1;
    const passes = await cutoff();
    assert.equal(passes.flatMap((p) => p.decided).length, 1, 'one replica decided it');
    assert.deepEqual(passes.flatMap((p) => p.decided)[0], { id: g.id, verdict: 'FAILED' });
    // Whatever the interleaving, a second pass on each replica finishes what a first left.
    await cutoff();

    const refunded = providerRefunds.slice(refundsBefore);
    assert.equal(refunded.length, 3, `three refunds reached the provider: ${JSON.stringify(refunded)}`);
    assert.deepEqual(refunded.map((r) => r.paymentId).sort(), paid.map((p) => p.paymentId).sort(), 'one per paid order');
    assert.deepEqual(refunded.map((r) => r.amountFen).sort(), paid.map((p) => p.totalFen).sort(), 'each in full');
    const refundRows = await rows(`SELECT order_id, cause, status FROM $order.refunds WHERE cause LIKE 'group-buy-failed:%' AND order_id = ANY($1::uuid[])`, [paid.map((p) => p.id)]);
    assert.equal(refundRows.length, 3);
    assert.ok(refundRows.every((r) => r.status === 'SUCCEEDED'));
    const statuses = await rows('SELECT id::text, status FROM $order.orders WHERE group_buy_id = $1', [g.id]);
    assert.deepEqual(Object.fromEntries(statuses.map((r) => [r.id, r.status])), Object.fromEntries([...paid.map((p) => [p.id, 'REFUNDED']), [unpaid.id, 'CANCELLED']]));
    const pool = (await buyer.get(`/api/v1/flash-sales/${g.flashSaleId}`)).body;
    assert.deepEqual([pool.held, pool.sold], [0, 5], 'the unpaid hold went back; the pool is over');

    await outboxDrained();
    const refundEvents = await eventsOf('order.refunded', paid.map((p) => p.id));
    assert.deepEqual(refundEvents.map((e) => e.orderId).sort(), paid.map((p) => p.id).sort(), 'one order.refunded per paid order');
    const failed = (await published<{ groupBuyId: string; orderIds: string[]; buyerIds: string[] }>(iso, 'ORDER', 'order.group_buy.failed')).filter((e) => e.groupBuyId === g.id);
    assert.equal(failed.length, 1);
    assert.deepEqual(failed[0]!.buyerIds.sort(), ['buyer-601', 'buyer-602', 'buyer-603', 'buyer-604']);
    const after = (await buyer.get(`/api/v1/group-buys/${g.id}`)).body;
    assert.deepEqual([after.status, after.joinedQty, after.pendingQty], ['FAILED', 5, 0], 'the count that decided it stays');

    // Fulfillment never waved them: each was withdrawn before it ever joined (no paid_at, no wave).
    const waved = await poll('fulfillment to see the refunds', async () => {
      const r = await rows('SELECT order_id, status, wave_id, paid_at FROM $fulfillment.wave_orders WHERE order_id = ANY($1::text[])', [paid.map((p) => p.id)]);
      return r.length === 3 ? r : undefined;
    });
    assert.ok(waved.every((r) => r.status === 'REMOVED' && r.wave_id === null && r.paid_at === null), JSON.stringify(waved));

    // No commission: what accrued at payment is clawed back in full.
    const net = await poll('the ledger to claw back', async () => {
      const r = await rows(
        `SELECT order_id, sum(CASE WHEN kind = 'ACCRUE' THEN amount_fen ELSE 0 END)::int AS accrued, sum(CASE WHEN kind = 'CLAWBACK' THEN amount_fen ELSE 0 END)::int AS clawed
           FROM $leader.ledger_entries WHERE order_id = ANY($1::text[]) GROUP BY order_id`,
        [paid.map((p) => p.id)],
      );
      return r.length === 3 && r.every((x) => x.clawed > 0) ? r : undefined;
    });
    assert.ok(net.every((x) => x.accrued === x.clawed), JSON.stringify(net));

    // Each buyer hears once that it failed (the one who never paid too), and of their refund.
    for (const buyerId of ['buyer-601', 'buyer-602', 'buyer-603', 'buyer-604']) {
      const kinds = await poll(`${buyerId}'s notices`, async () => {
        const list = (await (await as(buyerId)).get('/api/v1/notifications?limit=50')).body.notifications as { kind: string }[];
        const k = list.map((n) => n.kind).filter((x) => x === 'GROUP_BUY_FAILED' || x === 'REFUND_ISSUED').sort();
        return k.length === (buyerId === 'buyer-604' ? 1 : 2) ? k : undefined;
      });
      assert.deepEqual(kinds, buyerId === 'buyer-604' ? ['GROUP_BUY_FAILED'] : ['GROUP_BUY_FAILED', 'REFUND_ISSUED']);
    }

    // Replaying the cut-off, on both replicas, later: nothing moves, nothing reaches the provider.
    const before = await fingerprint();
    const refundCount = providerRefunds.length;
    nowMs += HOUR;
    await cutoff();
    await cutoff();
    await outboxDrained();
    assert.deepEqual(await fingerprint(), before);
    assert.equal(providerRefunds.length, refundCount);
    assert.equal((await eventsOf('order.refunded', paid.map((p) => p.id))).length, 3);
    assert.equal((await published<{ groupBuyId: string }>(iso, 'ORDER', 'order.group_buy.failed')).filter((e) => e.groupBuyId === g.id).length, 1);
    // Closed: a new order is refused, a retried key still gets its order.
    const late = await (await as('buyer-605')).post(`/api/v1/group-buys/${g.id}/orders`, { qty: 1 }, { 'idempotency-key': 'gb-late-1' });
    assert.deepEqual([late.status, late.body.code], [409, 'ENDED']);
    const retried = await buyer.post(`/api/v1/group-buys/${g.id}/orders`, { qty: 2 }, { 'idempotency-key': `gb-buyer-601-${g.id}` });
    assert.deepEqual([retried.status, retried.body.id, retried.body.status], [200, paid[0]!.id, 'REFUNDED']);
  });

  it('group buys - at its minimum, its paid orders reach fulfillment at the cut-off and not before, each released once', async () => {
    const g = await openGroupBuy({ title: '赣南脐橙拼团 oranges', stockCap: 10, minQty: 3 });
    const joined = [await join(g.id, 'buyer-611', 2), await join(g.id, 'buyer-612', 1)];
    const unpaid = await join(g.id, 'buyer-613', 1, false);
    // An ordinary order paid after them: once fulfillment has it, it has seen theirs and kept them back.
    const ordinary = await (await as('buyer-614')).post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'plain-614' });
    assert.equal(ordinary.status, 201, JSON.stringify(ordinary.body));
    assert.equal((await (await as('buyer-614')).post(`/api/v1/orders/${ordinary.body.id}/pay`)).body.status, 'PAID');
    await poll('the ordinary order in a wave', async () => ((await rows('SELECT 1 FROM $fulfillment.wave_orders WHERE order_id = $1', [ordinary.body.id])).length ? true : undefined));
    assert.equal((await rows('SELECT 1 FROM $fulfillment.wave_orders WHERE order_id = ANY($1::text[])', [joined.map((j) => j.id)])).length, 0, 'paid, waiting for the cut-off');

    const refundsBefore = providerRefunds.length;
    nowMs = Date.parse(g.cutoffAt) + 1;
    const passes = await cutoff();
    assert.deepEqual(passes.flatMap((p) => p.decided), [{ id: g.id, verdict: 'SUCCEEDED' }]);
    assert.equal(passes.reduce((n, p) => n + p.released, 0), 2, 'each paid order released once across both replicas');
    await cutoff();
    const inWave = await poll('the released orders in a wave', async () => {
      const r = await rows(`SELECT order_id FROM $fulfillment.wave_orders WHERE order_id = ANY($1::text[]) AND status <> 'REMOVED'`, [joined.map((j) => j.id)]);
      return r.length === 2 ? r : undefined;
    });
    assert.equal(inWave.length, 2);
    assert.equal(providerRefunds.length, refundsBefore, 'nothing refunded');
    const statuses = await rows('SELECT id::text, status FROM $order.orders WHERE group_buy_id = $1', [g.id]);
    assert.deepEqual(Object.fromEntries(statuses.map((r) => [r.id, r.status])), Object.fromEntries([...joined.map((j) => [j.id, 'PAID']), [unpaid.id, 'CANCELLED']]));
    const view = (await (await as('buyer-611')).get(`/api/v1/group-buys/${g.id}`)).body;
    assert.deepEqual([view.status, view.joinedQty, view.missingQty, view.progressPercent], ['SUCCEEDED', 3, 0, 100]);
    await outboxDrained();
    assert.equal((await eventsOf('order.released', joined.map((j) => j.id))).length, 2);

    const before = await fingerprint();
    nowMs += HOUR;
    await cutoff();
    await outboxDrained();
    assert.deepEqual(await fingerprint(), before, 'a replayed cut-off changes nothing');
    assert.equal((await eventsOf('order.released', joined.map((j) => j.id))).length, 2, 'no second release');
  });

  it('group buys - 40 buyers at once never take more than the stock cap', async () => {
    const g = await openGroupBuy({ title: '限量拼团 limited', stockCap: 12, minQty: 5, perBuyerLimit: 2 });
    const buyers = await Promise.all(Array.from({ length: 40 }, (_, i) => as(`buyer-7${String(i).padStart(2, '0')}`)));
    const answers = await Promise.all(buyers.map((b) => b.post(`/api/v1/group-buys/${g.id}/orders`, { qty: 1 }, { 'idempotency-key': `storm-${b.userId}` })));
    const placed = answers.filter((a) => a.status === 201);
    assert.equal(placed.length, 12, JSON.stringify(answers.map((a) => a.status)));
    assert.ok(answers.filter((a) => a.status !== 201).every((a) => a.status === 409 && a.body.code === 'SOLD_OUT'));
    await Promise.all(placed.map((a, i) => buyers[answers.indexOf(a)]!.post(`/api/v1/orders/${a.body.id}/pay`).then((r) => assert.equal(r.body.status, 'PAID', `${i}`))));
    const [sum] = await rows(`SELECT sum(qty)::int AS qty, count(*)::int AS n FROM $order.orders WHERE group_buy_id = $1 AND status <> 'CANCELLED'`, [g.id]);
    assert.deepEqual([sum.qty, sum.n], [12, 12]);
    const view = (await buyers[0]!.get(`/api/v1/group-buys/${g.id}`)).body;
    assert.deepEqual([view.joinedQty, view.pendingQty, view.buyers], [12, 0, 12]);
    const pool = (await buyers[0]!.get(`/api/v1/flash-sales/${g.flashSaleId}`)).body;
    assert.deepEqual([pool.sold, pool.held, pool.available], [12, 0, 0]);
  });

  it('group buys - the leader is reminded once before the cut-off, in their inbox', async () => {
    const g = await openGroupBuy({ title: '提醒拼团 reminder', stockCap: 10, minQty: 4, cutoffInMs: 2 * HOUR });
    await join(g.id, 'buyer-621', 1);
    const reminders = async () => (await published<{ groupBuyId: string }>(iso, 'ORDER', 'order.group_buy.reminder')).filter((e) => e.groupBuyId === g.id);
    await cutoff();
    await outboxDrained();
    assert.equal((await reminders()).length, 0, 'not yet: the cut-off is two hours away');
    nowMs = Date.parse(g.cutoffAt) - 20 * 60_000;
    const passes = await cutoff();
    assert.equal(passes.reduce((n, p) => n + p.reminded, 0), 1);
    await cutoff();
    await outboxDrained();
    assert.equal((await reminders()).length, 1, 'once, across replicas and passes');
    const leader = await as('leader-1');
    const notice = await poll('the reminder in the leader’s inbox', async () => {
      const list = (await leader.get('/api/v1/notifications?limit=50')).body.notifications as { kind: string; body: string }[];
      return list.find((n) => n.kind === 'GROUP_BUY_REMINDER' && n.body.includes('提醒拼团'));
    });
    assert.match(notice.body, /20 分钟后截单/);
    assert.match(notice.body, /还差 3 件成团 \(1\/4\)/);
  });

  it('group buys - a replica’s scheduled job decides a due group buy and releases its orders on its own', async () => {
    const timed = await startOrder(
      parseConfig(orderShape, { ...iso.env('order'), GROUP_BUY_INTERVAL_MS: '100', INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`, FULFILLMENT_ADDR: `127.0.0.1:${core.fulfillment!.runtime.grpcPort}` }),
      undefined,
      { clock },
    );
    try {
      const g = await openGroupBuy({ title: '定时拼团 scheduled', stockCap: 5, minQty: 1 });
      const joined = await join(g.id, 'buyer-641', 1);
      nowMs = Date.parse(g.cutoffAt) + 1;
      const buyer = await as('buyer-641');
      await poll('the scheduled cut-off', async () => ((await buyer.get(`/api/v1/group-buys/${g.id}`)).body.status === 'SUCCEEDED' ? true : undefined));
      await poll('the order released to fulfillment', async () => ((await rows(`SELECT 1 FROM $fulfillment.wave_orders WHERE order_id = $1 AND status <> 'REMOVED'`, [joined.id])).length ? true : undefined));
    } finally {
      await timed.runtime.stop();
    }
  });

  it('group buys - another leader’s, a buyer’s or a malformed request is refused with a clear 4xx and nothing changes', async () => {
    const g = await openGroupBuy({ title: '自己的 own', stockCap: 5, minQty: 2 });
    const before = await fingerprint();
    const other = await as('leader-2');
    const buyer = await as('buyer-631');
    const body = { title: 'x', skuId, warehouseId: 'wh-1', priceFen: 100, stockCap: 5, minQty: 2, cutoffAt: new Date(Date.now() + HOUR).toISOString() };
    const refusals: [Promise<{ status: number; body: { code?: string; message?: string } }>, number, RegExp][] = [
      [other.post('/api/v1/group-buys', { ...body, leaderId: 'leader-1' }), 403, /leaderId/],
      [other.get('/api/v1/group-buys?leaderId=leader-1'), 403, /leaderId/],
      // leader-2 on leader-1's SKU (inventory knows whose it is).
      [other.post('/api/v1/group-buys', body), 403, /skuId/],
      [buyer.post('/api/v1/group-buys', body), 403, /./],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, minQty: 6 }), 400, /minQty/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, cutoffAt: undefined }), 400, /cutoffAt/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, cutoffAt: '2026-12-01 20:00' }), 400, /cutoffAt/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, cutoffAt: new Date(Date.now() - 1000).toISOString() }), 400, /cutoffAt/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, priceFen: 0 }), 400, /priceFen/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, stockCap: 0 }), 400, /stockCap/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, title: '' }), 400, /title/],
      [(await as('leader-1')).post('/api/v1/group-buys', { ...body, stockCap: 100_000, minQty: 2 }), 409, /quantity/],
      [buyer.get('/api/v1/group-buys/not-a-uuid'), 400, /id/],
      [buyer.get('/api/v1/group-buys/00000000-0000-4000-8000-000000000000'), 404, /group buy/],
      [buyer.post(`/api/v1/group-buys/${g.id}/orders`, { qty: 0 }, { 'idempotency-key': 'bad-qty-1' }), 400, /qty/],
      [buyer.post(`/api/v1/group-buys/${g.id}/orders`, { qty: 1 }), 400, /Idempotency-Key/],
      [other.post(`/api/v1/group-buys/${g.id}/orders`, { qty: 1 }, { 'idempotency-key': 'leader-buys-1' }), 403, /./],
      // The group buy's pool reached around it would skip the minimum.
      [buyer.post('/api/v1/orders', { flashSaleId: g.flashSaleId, qty: 1 }, { 'idempotency-key': 'around-1' }), 400, /group buy/],
    ];
    for (const [answer, status, field] of refusals) {
      const r = await answer;
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match(`${r.body.message ?? ''} ${JSON.stringify(r.body)}`, field);
    }
    assert.deepEqual(await fingerprint(), before, 'nothing changed');
    const pool = (await buyer.get(`/api/v1/flash-sales/${g.flashSaleId}`)).body;
    assert.deepEqual([pool.held, pool.sold, pool.available], [0, 0, 5], 'the hold taken around the group buy went back');
    const mine = (await (await as('leader-1')).get('/api/v1/group-buys')).body.groupBuys as { id: string; leaderId: string }[];
    assert.ok(mine.some((x) => x.id === g.id) && mine.every((x) => x.leaderId === 'leader-1'));
    assert.equal((await other.get('/api/v1/group-buys')).body.groupBuys.length, 0, 'leader-2 sees none of leader-1’s');

    // Not started yet: refused until its start.
    const later = await (await as('leader-1')).post('/api/v1/group-buys', { ...body, title: 'later', startsAt: new Date(Date.now() + HOUR).toISOString(), cutoffAt: new Date(Date.now() + 2 * HOUR).toISOString() });
    assert.equal(later.status, 201, JSON.stringify(later.body));
    const early = await buyer.post(`/api/v1/group-buys/${later.body.id}/orders`, { qty: 1 }, { 'idempotency-key': 'early-1' });
    assert.deepEqual([early.status, early.body.code], [409, 'NOT_STARTED']);
  });
});
