// After-sales (售后) against the real services: a buyer's request with a photo answered and resolved
// by a full and a partial refund (each reaching the provider once, each with one refund event),
// refunds above what was paid refused, a shortage at handover refunded once, bad photos and other
// people's orders refused with nothing changed, and SLA escalation on an injectable clock, once
// across two order replicas.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { connect, headers } from 'nats';
import { parseConfig } from '@lc/kit';
import { AFTER_SALES_RULES } from '@lc/contracts';
import { Api, servedLeader, shareToken, stockProduct } from '../../../test-support/api.js';
import { published } from '../../../test-support/events.js';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';
import type { PaymentProvider } from '../src/adapters/payment-provider.js';
import { configShape as orderShape } from '../src/config.js';
import { startOrder } from '../src/service.js';

// A real 1×1 PNG; the others are made from it or are not images at all.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const b64 = (b: Buffer) => b.toString('base64');
const OVERSIZED = Buffer.concat([PNG, Buffer.alloc(AFTER_SALES_RULES.photoMaxBytes + 1 - PNG.length)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

/** The sandbox provider, with every refund that reaches it written down. */
function watched(provider: PaymentProvider, refunds: { paymentId: string; amountFen: number; refundId: string }[]): PaymentProvider {
  return {
    name: provider.name,
    charge: (p) => provider.charge(p),
    refund: async (paymentId, amountFen, reason, opts) => {
      refunds.push({ paymentId, amountFen, refundId: opts.refundId });
      return provider.refund(paymentId, amountFen, reason, opts);
    },
  };
}

describe('after-sales', { timeout: 300_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let db: pg.Pool;
  let schema: string;
  let nowMs = Date.now();
  const clock = () => nowMs;
  const providerRefunds: { paymentId: string; amountFen: number; refundId: string }[] = [];
  let skuId = '';
  const apis = new Map<string, Api>();
  const as = async (userId: string) => {
    if (!apis.has(userId)) apis.set(userId, await Api.login(core.url, userId));
    return apis.get(userId)!;
  };

  before(async () => {
    core = await startCore(iso, { order: { AFTER_SALES_SLA_INTERVAL_MS: '100' } }, { orderOptions: { clock, wrapProvider: (p) => watched(p, providerRefunds) } });
    schema = iso.env('order').DB_SCHEMA!;
    db = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    const staff = await as('warehouse-1');
    const wh = await staff.post('/api/v1/warehouses', { id: 'wh-1', name: '上海仓', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', driverIds: ['driver-1'], vehicles: [{ id: 'van-1', capacity: 50, driverId: 'driver-1' }] });
    assert.equal(wh.status, 201, JSON.stringify(wh.body));
    await servedLeader(core.url, 'leader-1', 'wh-1');
    await servedLeader(core.url, 'leader-2', 'wh-2');
    const product = await stockProduct(core.url, 'leader-1', { name: '赣南脐橙 navel oranges', skus: [{ name: '5 jin', listPriceFen: 3990, perBuyerLimit: 0, initialStock: 100 }] });
    skuId = product.skus[0]!.id;
  });
  after(async () => {
    await core?.stop();
    await db?.end();
    await iso.cleanup();
  });

  const rows = async (sql: string, values: unknown[] = []) => (await db.query(sql.replaceAll('$schema', schema), values)).rows;
  const refundsOf = (orderId: string) => rows('SELECT id, amount_fen, cause, status FROM $schema.refunds WHERE order_id = $1 ORDER BY requested_at', [orderId]);
  /**
   * Every order, money and after-sales row of the order schema, hashed: "nothing changed" is
   * equality. (Not the outbox: its relay empties it; events are counted where they are published.)
   */
  const fingerprint = async () => {
    const out: Record<string, string> = {};
    for (const t of ['orders', 'payments', 'refunds', 'after_sales_cases', 'after_sales_messages', 'after_sales_photos', 'after_sales_photo_blobs']) {
      const r = await rows(`SELECT t::text AS r FROM $schema.${t} t`);
      out[t] = createHash('sha1').update(r.map((x) => x.r).sort().join('\n')).digest('hex');
    }
    return out;
  };

  async function paidOrder(buyerId: string, qty: number) {
    const buyer = await as(buyerId);
    const placed = await buyer.post('/api/v1/orders', { skuId, qty, shareToken: await shareToken(buyer.base, 'leader-1') }, { 'idempotency-key': `k-${buyerId}-${qty}-${Math.random()}` });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const paid = await buyer.post(`/api/v1/orders/${placed.body.id}/pay`);
    assert.equal(paid.body.status, 'PAID', JSON.stringify(paid.body));
    return { id: placed.body.id as string, totalFen: placed.body.totalFen as number, paymentId: paid.body.paymentId as string };
  }

  it('after-sales - a partial then a full refund reach the provider once each and publish one refund event each; more than was paid is refused', async () => {
    const order = await paidOrder('buyer-701', 2);
    assert.equal(order.totalFen, 7980);
    const buyer = await as('buyer-701');
    const opened = await buyer.post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'DAMAGED', text: '两个橙子压坏了 two oranges crushed', photos: [b64(PNG)] });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const c = opened.body;
    assert.deepEqual([c.status, c.kind, c.photos.length, c.photos[0].contentType, c.paidFen, c.refundableFen], ['OPEN', 'DAMAGED', 1, 'image/png', 7980, 7980]);
    assert.equal(Date.parse(c.respondBy) - Date.parse(c.openedAt), 24 * 3600_000);
    assert.equal(Date.parse(c.resolveBy) - Date.parse(c.openedAt), 48 * 3600_000);
    const photo = await fetch(`${core.url}${c.photos[0].url}`, { headers: { authorization: `Bearer ${buyer.token}` } });
    assert.equal(photo.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await photo.arrayBuffer()), PNG, 'the photo comes back byte for byte');
    assert.equal((await buyer.post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'QUALITY', text: 'again' })).status, 409, 'one open case per order');

    const leader = await as('leader-1');
    const queue = await leader.get('/api/v1/after-sales?status=OPEN');
    assert.ok(queue.body.cases.some((x: { id: string }) => x.id === c.id), 'in the leader’s queue');
    const answered = await leader.post(`/api/v1/after-sales/${c.id}/answers`, { text: '抱歉，给您退两个的钱 sorry, refunding two' });
    assert.equal(answered.body.status, 'ANSWERED', JSON.stringify(answered.body));

    // The leader and the staff press "refund" at the same moment: one resolution, one refund.
    const [partial, twin] = await Promise.all([
      leader.post(`/api/v1/after-sales/${c.id}/resolve`, { refundFen: 2000, note: '退 ¥20' }),
      (await as('warehouse-1')).post(`/api/v1/after-sales/${c.id}/resolve`, { refundFen: 2000, note: '退 ¥20' }),
    ]).then((rs) => rs.sort((a, b) => a.status - b.status));
    assert.equal(partial!.status, 200, JSON.stringify(partial!.body));
    assert.equal(twin!.status, 409, JSON.stringify(twin!.body));
    assert.deepEqual([partial!.body.status, partial!.body.refundFen, partial!.body.refundStatus, partial!.body.refundableFen, partial!.body.orderStatus], ['RESOLVED', 2000, 'SUCCEEDED', 5980, 'PAID']);
    assert.equal((await leader.post(`/api/v1/after-sales/${c.id}/resolve`, { refundFen: 2000 })).status, 409, 'resolved once');

    // A second request on the same order, resolved by the serving warehouse's staff.
    const second = await buyer.post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'QUALITY', text: '其余的也不新鲜 the rest are not fresh' });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const staff = await as('warehouse-1');
    const before = await fingerprint();
    const tooMuch = await staff.post(`/api/v1/after-sales/${second.body.id}/resolve`, { refundFen: 5981 });
    assert.equal(tooMuch.status, 400, JSON.stringify(tooMuch.body));
    assert.match(tooMuch.body.message, /refundFen: 5981 is more than the 5980 fen still refundable/);
    assert.deepEqual(await fingerprint(), before, 'a refused refund changes nothing');
    const full = await staff.post(`/api/v1/after-sales/${second.body.id}/resolve`, { refundFen: 5980, note: '全部退款 refunded in full' });
    assert.equal(full.status, 200, JSON.stringify(full.body));
    assert.deepEqual([full.body.refundFen, full.body.refundableFen, full.body.orderStatus], [5980, 0, 'REFUNDED']);

    const refunds = await refundsOf(order.id);
    assert.deepEqual(refunds.map((r) => [Number(r.amount_fen), r.cause, r.status]), [[2000, `after-sales:${c.id}`, 'SUCCEEDED'], [5980, `after-sales:${second.body.id}`, 'SUCCEEDED']]);
    assert.deepEqual(providerRefunds.filter((r) => r.paymentId === order.paymentId).map((r) => [r.amountFen, r.refundId]), refunds.map((r) => [Number(r.amount_fen), r.id]), 'each refund reached the provider once');
    assert.deepEqual((await rows('SELECT status FROM $schema.payments WHERE id = $1', [order.paymentId]))[0], { status: 'REFUNDED' });

    const partials = await poll('order.partially_refunded', async () => {
      const e = (await published<Record<string, unknown>>(iso, 'ORDER', 'order.partially_refunded')).filter((x) => x.orderId === order.id);
      return e.length ? e : undefined;
    });
    const fulls = await poll('order.refunded', async () => {
      const e = (await published<Record<string, unknown>>(iso, 'ORDER', 'order.refunded')).filter((x) => x.orderId === order.id);
      return e.length ? e : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const again = async (s: string) => (await published<Record<string, unknown>>(iso, 'ORDER', s)).filter((x) => x.orderId === order.id);
    assert.equal((await again('order.partially_refunded')).length, 1);
    assert.equal((await again('order.refunded')).length, 1);
    assert.deepEqual([partials[0]!.refundFen, partials[0]!.cause, partials[0]!.caseId, partials[0]!.refundId, partials[0]!.buyerId, partials[0]!.leaderId], [2000, `after-sales:${c.id}`, c.id, refunds[0]!.id, 'buyer-701', 'leader-1']);
    assert.deepEqual([fulls[0]!.refundFen, fulls[0]!.cause, fulls[0]!.caseId, fulls[0]!.status], [5980, `after-sales:${second.body.id}`, second.body.id, 'REFUNDED']);
    const lifecycle = async (s: string) => (await published<{ caseId: string }>(iso, 'ORDER', `order.after_sales.${s}`)).filter((x) => x.caseId === c.id).length;
    assert.deepEqual([await lifecycle('opened'), await lifecycle('answered'), await lifecycle('resolved')], [1, 1, 1]);
    const seen = await buyer.get(`/api/v1/after-sales/${c.id}`);
    const authors = seen.body.messages.map((m: { authorRole: string }) => m.authorRole);
    assert.deepEqual(authors.slice(0, 2), ['buyer', 'leader']);
    assert.equal(authors.length, 3, 'one resolution note, from whoever won');
  });

  it('after-sales - oversized or non-image photos, someone else’s order, unpaid orders and foreign handlers get a clear 4xx and change nothing', async () => {
    const order = await paidOrder('buyer-702', 1);
    const unpaid = await (await as('buyer-702')).post('/api/v1/orders', { skuId, qty: 1 }, { 'idempotency-key': 'unpaid' });
    const buyer = await as('buyer-702');
    const before = await fingerprint();
    const cases: [Api, string, unknown, number, RegExp][] = [
      [buyer, order.id, { kind: 'DAMAGED', text: 'x', photos: [b64(OVERSIZED)] }, 400, /photos.*at most 1048576 bytes/],
      [buyer, order.id, { kind: 'DAMAGED', text: 'x', photos: [b64(PDF)] }, 400, /not a JPEG, PNG or WebP image \(content is application\/pdf\)/],
      [buyer, order.id, { kind: 'DAMAGED', text: 'x', photos: [b64(HTML)] }, 400, /not a JPEG, PNG or WebP image \(content is unrecognised\)/],
      [buyer, order.id, { kind: 'DAMAGED', text: 'x', photos: [`data:image/png;base64,${b64(PDF)}`] }, 400, /application\/pdf/],
      [buyer, order.id, { kind: 'DAMAGED', text: 'x', photos: [b64(PNG), b64(PNG), b64(PNG), b64(PNG)] }, 400, /photos: at most 3/],
      [buyer, order.id, { kind: 'DAMAGED', text: 'x', photos: ['not base64!'] }, 400, /base64/],
      [buyer, order.id, { kind: 'LATE', text: 'x' }, 400, /kind must be one of/],
      [buyer, order.id, { kind: 'DAMAGED', text: '' }, 400, /text/],
      [buyer, unpaid.body.id, { kind: 'DAMAGED', text: 'x' }, 409, /paid or collected order; this one is PENDING_PAYMENT/],
      [await as('buyer-703'), order.id, { kind: 'DAMAGED', text: '不是我的 not mine', photos: [b64(PNG)] }, 404, /no order/],
      [await as('leader-1'), order.id, { kind: 'DAMAGED', text: 'x' }, 403, /role leader/],
    ];
    for (const [api, orderId, body, status, message] of cases) {
      const r = await api.post(`/api/v1/orders/${orderId}/after-sales`, body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 120)}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, message);
    }
    assert.deepEqual(await fingerprint(), before, 'refused requests changed nothing');

    const opened = await buyer.post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'WRONG_ITEM', text: '发错了 wrong item', photos: [b64(PNG)] });
    assert.equal(opened.status, 201);
    const id = opened.body.id as string;
    const still = await fingerprint();
    const foreign: [string, string, string, unknown, number][] = [
      ['buyer-703', 'GET', `/api/v1/after-sales/${id}`, undefined, 404],
      ['buyer-703', 'GET', `/api/v1/after-sales/${id}/photos/${opened.body.photos[0].id}`, undefined, 404],
      ['leader-2', 'GET', `/api/v1/after-sales/${id}`, undefined, 404],
      ['leader-2', 'POST', `/api/v1/after-sales/${id}/answers`, { text: 'hi' }, 404],
      ['warehouse-2', 'POST', `/api/v1/after-sales/${id}/resolve`, { refundFen: 1 }, 404],
      ['buyer-702', 'POST', `/api/v1/after-sales/${id}/resolve`, { refundFen: 3990 }, 403],
      ['driver-1', 'GET', `/api/v1/after-sales/${id}`, undefined, 403],
      ['leader-1', 'POST', `/api/v1/after-sales/${id}/resolve`, { refundFen: -1 }, 400],
      ['leader-1', 'POST', `/api/v1/after-sales/${id}/resolve`, { refundFen: 1.5 }, 400],
    ];
    for (const [who, method, path, body, status] of foreign) {
      const r = await (await as(who)).request(method, path, body);
      assert.equal(r.status, status, `${who} ${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.message, 'string');
    }
    assert.ok(!(await (await as('leader-2')).get('/api/v1/after-sales')).body.cases.some((x: { id: string }) => x.id === id), 'not in another leader’s queue');
    assert.ok(!(await (await as('warehouse-2')).get('/api/v1/after-sales')).body.cases.some((x: { id: string }) => x.id === id), 'not in another warehouse’s queue');
    assert.deepEqual(await fingerprint(), still, 'foreign handlers changed nothing');
    assert.equal((await (await as('leader-1')).post(`/api/v1/after-sales/${id}/resolve`, { refundFen: 0, note: '已补发 resent the right item' })).body.status, 'RESOLVED', 'resolved without money');
    assert.deepEqual(await refundsOf(order.id), []);
  });

  it('shortage - a unit missing at handover opens a case and refunds it once, however often it is reported', async () => {
    const order = await paidOrder('buyer-704', 3);
    const staff = await as('warehouse-1');
    // This order's own wave: an earlier test's paid order may have opened one already.
    const fulfillmentSchema = iso.env('fulfillment').DB_SCHEMA!;
    const waveId = await poll('the order in a wave', async () => (await db.query(`SELECT wave_id FROM ${fulfillmentSchema}.wave_orders WHERE order_id = $1 AND wave_id IS NOT NULL`, [order.id])).rows[0]?.wave_id as string | undefined);
    const wave = (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves.find((w: { id: string }) => w.id === waveId);
    assert.equal((await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate })).status, 200);
    const bags = (await staff.get(`/api/v1/waves/${wave.id}/pick-lists`)).body.pickLists.flatMap((l: { bags: { id: string; orderId: string }[] }) => l.bags);
    assert.ok(bags.some((b: { orderId: string }) => b.orderId === order.id));
    for (const b of bags) assert.equal((await staff.post(`/api/v1/bags/${b.id}/packed`)).status, 200);
    const plan = await staff.post(`/api/v1/waves/${wave.id}/routes`, { timeLimitMs: 500, wait: true });
    assert.equal(plan.body.status, 'DONE', JSON.stringify(plan.body));
    const route = plan.body.routes[0];
    assert.equal((await staff.post(`/api/v1/routes/${route.id}/dispatch`)).status, 200);
    const driver = await as('driver-1');
    const stop = route.stops[0].id;
    assert.equal((await driver.post(`/api/v1/stops/${stop}/arrived`)).status, 200);
    const buyer = await as('buyer-704');
    await poll('the order at the pickup point', async () => ((await buyer.get(`/api/v1/orders/${order.id}`)).body.status === 'READY_FOR_PICKUP' ? true : undefined));

    const fulfillment = iso.env('fulfillment').DB_SCHEMA!;
    const handover = async () => (await db.query(`SELECT (SELECT status FROM ${fulfillment}.stops WHERE id = $1) AS stop, (SELECT count(*)::int FROM ${fulfillment}.handover_shortages) AS shortages`, [stop])).rows[0];
    const before = await fingerprint();
    const handoverBefore = await handover();
    assert.deepEqual([handoverBefore.stop, handoverBefore.shortages], ['ARRIVED', 0]);
    const tooMany = await driver.post(`/api/v1/stops/${stop}/handed-over`, { shortages: [{ orderId: order.id, missingQty: 4 }] });
    assert.equal(tooMany.status, 400, JSON.stringify(tooMany.body));
    assert.match(tooMany.body.message, /missingQty: from 1 to the parcel's 3 units/);
    const elsewhere = await driver.post(`/api/v1/stops/${stop}/handed-over`, { shortages: [{ orderId: '00000000-0000-4000-8000-000000000000', missingQty: 1 }] });
    assert.equal(elsewhere.status, 400);
    assert.equal((await (await as('driver-2')).post(`/api/v1/stops/${stop}/handed-over`, { shortages: [{ orderId: order.id, missingQty: 1 }] })).status, 403, 'another driver’s stop');
    assert.deepEqual(await fingerprint(), before);
    assert.deepEqual(await handover(), handoverBefore, 'refused reports leave the stop as it was');

    const handed = await driver.post(`/api/v1/stops/${stop}/handed-over`, { shortages: [{ orderId: order.id, missingQty: 1 }] });
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    const refunded = await poll('the shortage refund', async () => {
      const r = await refundsOf(order.id);
      return r[0]?.status === 'SUCCEEDED' ? r : undefined;
    }, 30_000);
    assert.deepEqual(refunded.map((r) => [Number(r.amount_fen), r.cause]), [[3990, `shortage:${order.id}`]], 'unit price × missing units');

    // Reported again by the leader at receipt, and the event redelivered under a new id.
    assert.equal((await (await as('leader-1')).post(`/api/v1/pickup-point/receipts/${stop}`, { shortages: [{ orderId: order.id, missingQty: 2 }] })).status, 200);
    const nc = await connect({ servers: NATS_URL });
    const h = headers();
    h.set('Nats-Msg-Id', `replay-${order.id}`);
    await nc.jetstream().publish(`${iso.id}.fulfillment.handover.shortage`, JSON.stringify({ orderId: order.id, buyerId: 'buyer-704', leaderId: 'leader-1', skuId, missingQty: 2, reportedBy: 'leader-1', atMs: Date.now() }), { headers: h });
    await nc.close();
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await refundsOf(order.id)).length, 1, 'refunded once');
    assert.equal(providerRefunds.filter((r) => r.paymentId === order.paymentId).length, 1, 'the provider was asked once');
    const cases = (await buyer.get(`/api/v1/after-sales?orderId=${order.id}`)).body.cases;
    assert.deepEqual(cases.map((x: { kind: string; status: string; openedBy: string; refundFen: number }) => [x.kind, x.status, x.openedBy, x.refundFen]), [['MISSING', 'RESOLVED', 'shortage', 3990]]);
    assert.equal((await published<{ orderId: string }>(iso, 'FULFILLMENT', 'fulfillment.handover.shortage')).filter((e) => e.orderId === order.id).length, 2, 'fulfillment published once; the second is the replay');
    const partial = (await published<{ orderId: string; refundFen: number; cause: string }>(iso, 'ORDER', 'order.partially_refunded')).filter((e) => e.orderId === order.id);
    assert.deepEqual(partial.map((e) => [e.refundFen, e.cause]), [[3990, `shortage:${order.id}`]]);
    // A partial refund is not a withdrawal: the rest of the order is still delivered.
    const bag = (await staff.get(`/api/v1/waves/${wave.id}/pick-lists`)).body.pickLists.flatMap((l: { bags: { orderId: string; status: string }[] }) => l.bags).find((b: { orderId: string }) => b.orderId === order.id);
    assert.equal(bag.status, 'READY_FOR_PICKUP');
    assert.equal((await buyer.get(`/api/v1/orders/${order.id}`)).body.status, 'READY_FOR_PICKUP');
  });

  it('SLA - overdue requests are escalated once on an injectable clock, across two order replicas, and counted on the admin report', async () => {
    const replica = await startOrder(
      parseConfig(orderShape, { ...iso.env('order'), INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`, AFTER_SALES_SLA_INTERVAL_MS: '100' }),
      undefined,
      { clock },
    );
    try {
      const order = await paidOrder('buyer-705', 1);
      const opened = await (await as('buyer-705')).post(`/api/v1/orders/${order.id}/after-sales`, { kind: 'MISSING', text: '少了一箱 one box missing' });
      assert.equal(opened.status, 201);
      const id = opened.body.id as string;
      const escalations = async () => (await published<{ caseId: string; overdue: string }>(iso, 'ORDER', 'order.after_sales.escalated')).filter((e) => e.caseId === id).map((e) => e.overdue);
      const admin = await as('admin-1');
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await escalations(), [], 'nothing is due yet');

      nowMs += 24 * 3600_000 + 60_000;
      await poll('the response escalation', async () => ((await escalations()).length ? true : undefined));
      let report = (await admin.get('/api/v1/admin/after-sales/report')).body;
      assert.equal(report.responseOverdue, 1, JSON.stringify(report));
      assert.equal(report.resolutionOverdue, 0);
      assert.deepEqual(report.overdueCases.map((x: { id: string; escalations: string[] }) => [x.id, x.escalations]), [[id, ['RESPONSE']]]);
      // Answered late: the response SLA stays missed, the resolution one is still ahead.
      assert.equal((await (await as('leader-1')).post(`/api/v1/after-sales/${id}/answers`, { text: '在查 looking into it' })).body.status, 'ANSWERED');

      nowMs += 24 * 3600_000;
      await poll('the resolution escalation', async () => ((await escalations()).length === 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual((await escalations()).sort(), ['RESOLUTION', 'RESPONSE'], 'each missed SLA escalated once by the two replicas');
      report = (await admin.get('/api/v1/admin/after-sales/report')).body;
      assert.deepEqual([report.responseOverdue, report.resolutionOverdue, report.escalated], [0, 1, 1]);
      assert.equal((await (await as('leader-1')).get('/api/v1/admin/after-sales/report')).status, 403);
      const seen = await (await as('buyer-705')).get(`/api/v1/after-sales/${id}`);
      assert.deepEqual(seen.body.escalations, ['RESPONSE', 'RESOLUTION']);
    } finally {
      await replica.runtime.stop();
    }
  });
});
