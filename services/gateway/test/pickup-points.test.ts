// Pickup point choice end to end on the real services: points nearest first with hours and what
// each can still take, a buyer choosing one, placement refusing orders with nowhere to go (nothing
// held, nothing written), a point's daily capacity at wave join (overflow joins the next day's
// wave and the buyer is told), and a parcel of a buyer with no leader reaching the chosen point.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isolate } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';
import { startCoreWithInbox } from '../../../test-support/live-room-browser.js';
import { Api, createFlashSale, stockProduct } from '../../../test-support/api.js';
import { deliverWave, waveWithOrders } from '../../../test-support/delivery.js';
import { shownAvailable } from '../../../test-support/stock.js';

const HOME = { lat: 31.2401, lng: 121.5002 };

/** The delivery day an order paid now joins: tomorrow in Shanghai, or the day after past 22:00. */
function expectedDeliveryDate(nowMs = Date.now()): string {
  const local = new Date(nowMs + 8 * 3600_000);
  const days = local.getUTCHours() < 22 ? 1 : 2;
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days)).toISOString().slice(0, 10);
}

describe('pickup points', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let skuId = '';
  const login = (userId: string) => Api.login(core.url, userId);
  const order = (buyer: Api, body: Record<string, unknown>, key: string) => buyer.post('/api/v1/orders', { skuId, qty: 1, ...body }, { 'idempotency-key': key });

  before(async () => {
    // The inbox (live-room) tells deferred buyers; it consumes fulfillment.deferred.
    core = await startCoreWithInbox(iso);
    const product = await stockProduct(core.url, 'leader-1', { name: '鸡蛋 Eggs', skus: [{ name: '30 pcs', listPriceFen: 2590, perBuyerLimit: 5, initialStock: 100 }] });
    skuId = product.skus[0]!.id;
    // Points of other leaders around the buyer's home: near (small), middle, far; one of wh-2.
    const points = [
      ['leader-2', 'pp-near', 31.2405, 121.5004, 3],
      ['leader-3', 'pp-mid', 31.2300, 121.4800, 200],
      ['leader-9', 'pp-far', 31.1000, 121.3000, 200],
    ] as const;
    const staff = await login('warehouse-1');
    for (const [leaderId, id, lat, lng, dailyCapacity] of points) {
      const r = await staff.post('/api/v1/pickup-points', { id, leaderId, warehouseId: 'wh-1', name: `${id} 自提点`, address: `${id} 路 1 号`, lat, lng, opensAt: '09:00', closesAt: '21:00', dailyCapacity });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    // A point served by another warehouse.
    const staff2 = await login('warehouse-2');
    assert.equal((await staff2.post('/api/v1/warehouses', { id: 'wh-2', name: 'wh-2', lat: 31.3, lng: 121.6, timeZone: 'Asia/Shanghai' })).status, 201);
    assert.equal((await staff2.post('/api/v1/pickup-points', { id: 'pp-wh2', leaderId: 'leader-20', warehouseId: 'wh-2', name: 'wh-2 point', lat: 31.3, lng: 121.6 })).status, 201);
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('choice - points nearest first with hours and remaining capacity; bad input is a 4xx naming the field', async () => {
    const buyer = await login('buyer-801');
    const near = await buyer.get(`/api/v1/pickup-points?near=${HOME.lat},${HOME.lng}&limit=3`);
    assert.equal(near.status, 200, JSON.stringify(near.body));
    assert.deepEqual(near.body.pickupPoints.map((p: { id: string }) => p.id), ['pp-near', 'pp-leader-1', 'pp-mid']);
    const distances = near.body.pickupPoints.map((p: { distanceM: number }) => p.distanceM);
    assert.deepEqual(distances, [...distances].sort((a, b) => a - b));
    assert.ok(distances[0] > 0 && distances[0] < 100, `pp-near is ~50 m away, got ${distances[0]}`);
    const nearest = near.body.pickupPoints[0];
    assert.deepEqual([nearest.opensAt, nearest.closesAt, nearest.dailyCapacity, nearest.remainingCapacity], ['09:00', '21:00', 3, 3]);
    assert.equal(nearest.deliveryDate, expectedDeliveryDate());

    for (const [query, field] of [
      ['near=91,121', /^near.*latitude/],
      ['near=31,181', /^near.*longitude/],
      ['near=abc', /near/],
      ['near=31.2,121.5&limit=0', /limit/],
      ['ids=pp-near,bad%20id', /ids/],
      ['', /near/],
    ] as const) {
      const r = await buyer.get(`/api/v1/pickup-points?${query}`);
      assert.equal(r.status, 400, `${query}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, field, query);
    }

    assert.deepEqual((await buyer.get('/api/v1/me/pickup-point')).body, { source: 'NONE', pickupPoint: null });
    const unknown = await buyer.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-nowhere' });
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(unknown.body.message, /^pickupPointId/);
    assert.equal((await buyer.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'no such; id' })).status, 400);
    assert.deepEqual((await buyer.get('/api/v1/me/pickup-point')).body, { source: 'NONE', pickupPoint: null }, 'nothing was stored');
    const leader = await login('leader-1');
    assert.equal((await leader.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-near' })).status, 403, 'only buyers choose');
  });

  it('placement - an order with nowhere to go is refused before anything is held or written', async () => {
    const buyer = await login('buyer-802');
    const before = await shownAvailable(buyer, skuId);
    const refused = await order(buyer, {}, 'nowhere-1');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'NO_PICKUP_POINT');
    assert.match(refused.body.message, /pickup point/);

    const unknown = await order(buyer, { pickupPointId: 'pp-nowhere' }, 'nowhere-2');
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(unknown.body.message, /^pickupPointId/);
    assert.equal((await order(buyer, { pickupPointId: 'bad id!' }, 'nowhere-3')).status, 400);

    // A point of another warehouse cannot get goods shipped from wh-1.
    const elsewhere = await order(buyer, { pickupPointId: 'pp-wh2' }, 'nowhere-4');
    assert.equal(elsewhere.status, 409, JSON.stringify(elsewhere.body));
    assert.equal(elsewhere.body.code, 'PICKUP_POINT_NOT_SERVED');

    assert.equal(await shownAvailable(buyer, skuId), before, 'no unit held');
    assert.deepEqual((await buyer.get('/api/v1/orders')).body.orders, [], 'no order written');
  });

  it('placement - a buyer bound to a leader defaults to the leader\'s point; a chosen point wins', async () => {
    const leader = await login('leader-1');
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 2 });
    const buyer = await login('buyer-803');
    const first = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'bound-1' });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.leaderId, 'leader-1');
    assert.equal(first.body.pickupPointId, 'pp-leader-1');
    const mine = (await buyer.get('/api/v1/me/pickup-point')).body;
    assert.equal(mine.source, 'LEADER');
    assert.equal(mine.pickupPoint.id, 'pp-leader-1');

    const chosen = await buyer.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-mid' });
    assert.equal(chosen.status, 200, JSON.stringify(chosen.body));
    assert.equal(chosen.body.source, 'CHOSEN');
    assert.equal(chosen.body.pickupPoint.id, 'pp-mid');
    const second = await order(buyer, {}, 'bound-2');
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.equal(second.body.pickupPointId, 'pp-mid');
    const named = await order(buyer, { pickupPointId: 'pp-far' }, 'bound-3');
    assert.equal(named.body.pickupPointId, 'pp-far', 'a point named in the order wins over the choice');
    for (const o of [first.body, second.body, named.body]) assert.equal((await buyer.post(`/api/v1/orders/${o.id}/cancel`)).status, 200);
  });

  it('capacity - a full point takes no more parcels that day: overflow joins the next day\'s wave and the buyer is told', async () => {
    const buyers = await Promise.all([804, 805, 806, 807, 808].map((n) => login(`buyer-${n}`)));
    for (const b of buyers) assert.equal((await b.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-near' })).status, 200);
    const paid = await Promise.all(
      buyers.map(async (b, i) => {
        const placed = await order(b, {}, `cap-${i}`);
        assert.equal(placed.status, 201, JSON.stringify(placed.body));
        assert.equal(placed.body.pickupPointId, 'pp-near');
        assert.equal((await b.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
        return placed.body.id as string;
      }),
    );
    const staff = await login('warehouse-1');
    const waves = await poll('5 orders in two waves', async () => {
      const { body } = await staff.get('/api/v1/waves?warehouseId=wh-1');
      const total = body.waves.reduce((n: number, w: { orderCount: number }) => n + w.orderCount, 0);
      return body.waves.length === 2 && total === 5 ? body.waves.sort((a: { deliveryDate: string }, b: { deliveryDate: string }) => a.deliveryDate.localeCompare(b.deliveryDate)) : undefined;
    });
    assert.equal(waves[0].deliveryDate, expectedDeliveryDate());
    assert.deepEqual(waves.map((w: { orderCount: number }) => w.orderCount), [3, 2], 'three (the capacity) on the first day, two the day after');

    const near = (await buyers[0]!.get('/api/v1/pickup-points?ids=pp-near')).body.pickupPoints[0];
    assert.equal(near.remainingCapacity, 0);
    const deferredNotices = () => Promise.all(buyers.map(async (b) => (await b.get('/api/v1/notifications')).body.notifications.filter((n: { kind: string }) => n.kind === 'DEFERRED')));
    const deferred = await poll('each deferred buyer to be told', async () => {
      const d = await deferredNotices();
      return d.flat().length >= 2 ? d : undefined;
    });
    assert.equal(deferred.flat().length, 2, 'each deferred buyer is told, once');
    for (const n of deferred.flat()) assert.match(n.body, new RegExp(waves[1].deliveryDate));

    // A paid order withdrawn before packing gives its parcel's place back.
    const firstDay = paid.findIndex((_, i) => deferred[i]!.length === 0);
    assert.equal((await buyers[firstDay]!.post(`/api/v1/orders/${paid[firstDay]}/cancel`)).body.status, 'REFUNDED');
    await poll('the place to come back', async () => ((await buyers[0]!.get('/api/v1/pickup-points?ids=pp-near')).body.pickupPoints[0].remainingCapacity === 1 ? true : undefined));
  });

  it('delivery - a buyer with no leader picks a point and the parcel reaches it and is picked up there', async () => {
    const buyer = await login('buyer-809');
    assert.equal((await buyer.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-mid' })).body.pickupPoint.id, 'pp-mid');
    const placed = await order(buyer, { qty: 2 }, 'deliver-1');
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.leaderId, '', 'never bound to a leader');
    assert.equal(placed.body.pickupPointId, 'pp-mid');
    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');

    const wave = await waveWithOrders(core.url, 'wh-1', (w) => w.orderCount >= 3);
    const run = await deliverWave(core.url, 'wh-1', wave.deliveryDate);
    assert.deepEqual(run.unassignedOrderIds, [], 'nothing stranded');
    const list = run.pickLists.find((l) => l.pickupPointId === 'pp-mid');
    assert.ok(list?.bags.some((b) => b.orderId === placed.body.id), 'bagged for the chosen point');

    await poll('ready for pickup', async () => ((await buyer.get(`/api/v1/orders/${placed.body.id}`)).body.status === 'READY_FOR_PICKUP' ? true : undefined));
    const { codes } = (await buyer.get('/api/v1/pickup-codes')).body;
    const code = codes.find((c: { orderId: string }) => c.orderId === placed.body.id);
    assert.equal(code.pickupPointId, 'pp-mid');
    assert.equal((await (await login('leader-2')).post('/api/v1/pickups/verify', { code: code.code })).status, 404, 'not at another point');
    const picked = await (await login('leader-3')).post('/api/v1/pickups/verify', { code: code.code });
    assert.equal(picked.status, 200, JSON.stringify(picked.body));
    const done = await poll('picked up', async () => {
      const r = await buyer.get(`/api/v1/orders/${placed.body.id}`);
      return r.body.status === 'PICKED_UP' ? r.body : undefined;
    });
    assert.deepEqual(done.timeline.map((t: { status: string }) => t.status), ['PENDING_PAYMENT', 'PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP']);
  });
});
