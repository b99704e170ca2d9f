// Fulfillment through the REST API, end to end on real Postgres, Redis and NATS: paid orders for
// three pickup points → wave → pick lists → packing → routes → dispatch → arrival → pickup codes,
// with authorization, bad input and event redelivery.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { isolate, NATS_URL } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';
import { startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale, shareToken } from '../../../test-support/api.js';

describe('fulfillment api', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let url = '';
  const login = (userId: string) => Api.login(url, userId);
  const state: { waveId?: string; deliveryDate?: string; orders: { id: string; buyer: string; leader: string }[]; routes: any[] } = { orders: [], routes: [] };

  before(async () => {
    core = await startCore(iso, {}, { fulfillment: true });
    url = core.url;
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('set-up - bad input gets a 4xx naming the field and changes nothing', async () => {
    const staff = await login('warehouse-1');
    const good = {
      id: 'wh-1', name: '上海仓 Shanghai DC', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', shiftStart: '06:00', shiftEnd: '20:00', cutoff: '22:00',
      driverIds: ['driver-1', 'driver-2'], vehicles: [{ id: 'van-1', capacity: 4 }, { id: 'van-2', capacity: 4 }],
    };
    const cases: [unknown, RegExp][] = [
      [{ ...good, lat: 123 }, /^lat/],
      [{ ...good, lng: 'east' }, /^lng/],
      [{ ...good, timeZone: 'Asia/Atlantis' }, /^timeZone/],
      [{ ...good, vehicles: [{ id: 'van-1', capacity: -1 }] }, /^vehicles\.0\.capacity/],
      [{ ...good, vehicles: [{ id: 'van-1', capacity: 4, shiftStart: '06:00', shiftEnd: '12:00' }, { id: 'van-1', capacity: 4, shiftStart: '11:00', shiftEnd: '15:00' }] }, /^vehicles\.1\.shiftStart/],
      [{ ...good, vehicles: [{ id: 'van-1', capacity: 4, driverId: 'driver-1' }, { id: 'van-2', capacity: 4, driverId: 'driver-1' }] }, /^vehicles\.1\.driverId/],
      [{ ...good, cutoff: '25:00' }, /^cutoff/],
    ];
    for (const [body, field] of cases) {
      const r = await staff.post('/api/v1/warehouses', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.message, field);
    }
    assert.equal((await staff.get('/api/v1/warehouses/wh-1')).status, 404);
    const created = await staff.post('/api/v1/warehouses', good);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await staff.post('/api/v1/warehouses', good)).status, 409);
    assert.equal((await (await login('leader-1')).post('/api/v1/warehouses', { ...good, id: 'wh-9' })).status, 403);

    const points = [
      ['leader-1', 'pp-1', 31.2397, 121.4998],
      ['leader-2', 'pp-2', 31.2204, 121.4465],
      ['leader-3', 'pp-3', 31.1950, 121.4370],
    ] as const;
    for (const [leaderId, id, lat, lng] of points) {
      const leader = await login(leaderId);
      // A leader cannot open a pickup point for someone else, nor at an unknown warehouse.
      assert.equal((await leader.post('/api/v1/pickup-points', { id, warehouseId: 'wh-1', leaderId: 'leader-9', name: 'x', lat, lng })).status, 403);
      const unknown = await leader.post('/api/v1/pickup-points', { id, warehouseId: 'wh-404', name: 'x', lat, lng });
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.message, /^warehouseId/);
      const r = await leader.post('/api/v1/pickup-points', { id, warehouseId: 'wh-1', name: `${leaderId} 自提点`, address: `${id} 弄`, lat, lng, opensAt: '08:00', closesAt: '20:00', serviceMinutes: 5 });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.leaderId, leaderId);
    }
    const second = await (await login('leader-1')).post('/api/v1/pickup-points', { id: 'pp-1b', warehouseId: 'wh-1', name: 'x', lat: 31, lng: 121 });
    assert.equal(second.status, 409);
  });

  it('waves - paid orders for three pickup points join the wave of the next delivery day, once each', async () => {
    const leader = await Api.login(core.url, 'leader-1');
    const { flashSaleId } = await createFlashSale(leader, { quantity: 30, perBuyerLimit: 5 });
    for (let i = 0; i < 6; i++) {
      const buyerId = `buyer-${500 + i}`;
      const leaderId = `leader-${(i % 3) + 1}`;
      const buyer = await Api.login(core.url, buyerId);
      const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 + (i % 2), shareToken: await shareToken(core.url, leaderId) }, { 'idempotency-key': `k-${i}` });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      const paid = await buyer.post(`/api/v1/orders/${placed.body.id}/pay`);
      assert.equal(paid.body.status, 'PAID');
      state.orders.push({ id: placed.body.id, buyer: buyerId, leader: leaderId });
    }
    const staff = await login('warehouse-1');
    const wave = await poll('6 orders in the wave', async () => {
      const r = await staff.get('/api/v1/waves?warehouseId=wh-1');
      const w = r.body.waves?.[0];
      return w?.orderCount === 6 ? w : undefined;
    });
    assert.equal(wave.status, 'OPEN');
    assert.equal(wave.deliveryDate, new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(wave.cutoffAtMs + 3 * 3600_000), "the wave is for the day after its cut-off (22:00 + 3 h)");
    state.waveId = wave.id;
    state.deliveryDate = wave.deliveryDate;

    // Redelivery: the same order.paid again (new msg id, so JetStream does not drop it).
    const nc = await connect({ servers: NATS_URL });
    const first = state.orders[0]!;
    const replay = { orderId: first.id, buyerId: first.buyer, leaderId: first.leader, skuId: 'x', warehouseId: 'wh-1', qty: 9, status: 'PAID', atMs: Date.now() + 86_400_000 };
    const js = nc.jetstream();
    await js.publish(`${iso.id}.order.paid`, JSON.stringify(replay), { msgID: 'replay-1' });
    await js.publish(`${iso.id}.order.paid`, JSON.stringify(replay), { msgID: 'replay-2' });
    const jsm = await nc.jetstreamManager();
    await poll('the consumer to catch up', async () => {
      const info = await jsm.consumers.info(`${iso.id.toUpperCase()}_ORDER`, `${iso.id}_fulfillment-orders`);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    await nc.close();
    const waves = (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves;
    assert.equal(waves.length, 1, 'no second wave from the replayed event');
    assert.equal(waves[0].orderCount, 6);
  });

  it('pick lists - closing the wave bags every order per pickup point; CSV and print page', async () => {
    const staff = await login('warehouse-1');
    const bad = await staff.post('/api/v1/waves', { warehouseId: 'wh-404', deliveryDate: state.deliveryDate });
    assert.equal(bad.status, 404);
    assert.equal((await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: '2026-02-30' })).status, 400);
    const closed = await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: state.deliveryDate });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.status, 'CLOSED');
    assert.equal(closed.body.id, state.waveId);
    const again = await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: state.deliveryDate });
    assert.equal(again.body.closedAtMs, closed.body.closedAtMs);

    const lists = await staff.get(`/api/v1/waves/${state.waveId}/pick-lists`);
    assert.equal(lists.status, 200);
    assert.deepEqual(lists.body.pickLists.map((l: any) => l.pickupPointId), ['pp-1', 'pp-2', 'pp-3']);
    for (const l of lists.body.pickLists) {
      assert.equal(l.bags.length, 2);
      assert.equal(l.skuTotals.length, 1);
      assert.equal(l.skuTotals[0].qty, 3, 'one order of 1 and one of 2 per point');
      for (const b of l.bags) {
        assert.match(b.label, new RegExp(`-${l.pickupPointId}-00[12]$`));
        assert.equal(b.status, 'PENDING');
        assert.ok(!('code' in b) && !('codeHash' in b));
      }
    }
    const csv = await staff.request('GET', `/api/v1/waves/${state.waveId}/pick-lists.csv`);
    assert.equal(csv.status, 200);
    const rows = String(csv.body).trim().split('\r\n');
    assert.equal(rows.length, 7);
    // Pickers read the product, not the SKU id: the names come from the warehouse's stock.
    const product = rows[0]!.split(',').indexOf('product');
    assert.ok(product >= 0, rows[0]);
    for (const row of rows.slice(1)) assert.equal(row.split(',')[product], '阳光玫瑰葡萄 Shine Muscat grapes · 1 box');
    const print = await staff.request('GET', `/api/v1/waves/${state.waveId}/pick-lists/print`);
    assert.match(String(print.body), /分拣清单 Pick lists/);
    assert.match(String(print.body), /@media print/);
    assert.equal(String(print.body).match(/<td>阳光玫瑰葡萄 Shine Muscat grapes · 1 box/g)?.length, 3 + 6, 'three SKU totals and six bags, each by name');
    // Another warehouse's staff are refused the wave's lists (403); a wave nobody has is 404.
    const foreign = await login('warehouse-2');
    for (const path of ['pick-lists', 'pick-lists.csv', 'pick-lists/print']) {
      const r = await foreign.request('GET', `/api/v1/waves/${state.waveId}/${path}`);
      assert.equal(r.status, 403, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal((await staff.request('GET', `/api/v1/waves/00000000-0000-4000-8000-000000000000/${path}`)).status, 404, path);
    }
    assert.equal((await foreign.get('/api/v1/waves?warehouseId=wh-1')).status, 403);
    assert.equal((await (await login('driver-1')).get(`/api/v1/waves/${state.waveId}/pick-lists`)).status, 403);
  });

  it('routes - planned in a worker for the closed wave; dispatch waits for packing', async () => {
    const staff = await login('warehouse-1');
    const planned = await staff.post(`/api/v1/waves/${state.waveId}/routes`, { timeLimitMs: 1000 });
    assert.ok([200, 202].includes(planned.status), JSON.stringify(planned.body));
    const plan = await poll('the plan', async () => {
      const r = await staff.get(`/api/v1/route-plans/${planned.body.id}`);
      return r.body.status === 'PLANNING' ? undefined : r.body;
    });
    assert.equal(plan.status, 'DONE', JSON.stringify(plan));
    assert.deepEqual(plan.unserved, []);
    // The console reads the wave's plan back after a reload: the same plan, routes and stops.
    const current = await staff.get(`/api/v1/waves/${state.waveId}/route-plan`);
    assert.equal(current.status, 200, JSON.stringify(current.body));
    assert.equal(current.body.wave.id, state.waveId);
    assert.deepEqual(current.body.plan, plan);
    assert.equal(plan.routes.length, 2, 'six bags in vans of four need two');
    assert.deepEqual(plan.routes.flatMap((r: any) => r.stops.map((s: any) => s.pickupPointId)).sort(), ['pp-1', 'pp-2', 'pp-3']);
    assert.deepEqual(plan.routes.map((r: any) => r.driverId).sort(), ['driver-1', 'driver-2']);
    for (const r of plan.routes) for (const s of r.stops) assert.ok(s.plannedArrivalAtMs >= s.windowStartAtMs && s.plannedArrivalAtMs <= s.windowEndAtMs);
    state.routes = plan.routes;

    const early = await staff.post(`/api/v1/routes/${plan.routes[0].id}/dispatch`);
    assert.equal(early.status, 409);
    const lists = await staff.get(`/api/v1/waves/${state.waveId}/pick-lists`);
    for (const l of lists.body.pickLists) for (const b of l.bags) {
      const packed = await staff.post(`/api/v1/bags/${b.id}/packed`);
      assert.equal(packed.status, 200, JSON.stringify(packed.body));
      assert.equal(packed.body.status, 'PACKED');
    }
    const bagId = lists.body.pickLists[0].bags[0].id;
    const repeat = await staff.post(`/api/v1/bags/${bagId}/packed`);
    assert.equal(repeat.body.status, 'PACKED');
    assert.equal((await staff.post('/api/v1/bags/00000000-0000-4000-8000-000000000000/packed')).status, 404);
    for (const r of plan.routes) {
      const d = await staff.post(`/api/v1/routes/${r.id}/dispatch`);
      assert.equal(d.status, 200, JSON.stringify(d.body));
      assert.equal(d.body.status, 'DISPATCHED');
    }
    assert.equal((await staff.post(`/api/v1/waves/${state.waveId}/routes`, {})).status, 409, 'no re-planning once dispatched');
    const after = (await staff.get(`/api/v1/waves/${state.waveId}/route-plan`)).body.plan;
    assert.equal(after.id, plan.id);
    assert.deepEqual(after.routes.map((r: any) => [r.id, r.status, r.driverId, r.vehicleId]), plan.routes.map((r: any) => [r.id, 'DISPATCHED', r.driverId, r.vehicleId]));
    assert.ok(after.routes.every((r: any) => r.dispatchedAtMs > 0));
    assert.deepEqual(after.routes.map((r: any) => r.stops.map((st: any) => [st.sequence, st.pickupPointName, st.lat, st.lng])), plan.routes.map((r: any) => r.stops.map((st: any) => [st.sequence, st.pickupPointName, st.lat, st.lng])));
    assert.ok(after.routes.every((r: any) => r.stops.every((st: any) => st.pickupPointName.endsWith('自提点'))));
  });

  it('wave route plan - only the wave warehouse (403 for another), 404 for no wave, 400 for a bad id, null when never planned', async () => {
    const staff = await login('warehouse-1');
    const foreign = await (await login('warehouse-2')).get(`/api/v1/waves/${state.waveId}/route-plan`);
    assert.equal(foreign.status, 403, JSON.stringify(foreign.body));
    assert.match(foreign.body.message, /^waveId: wave .* another warehouse/);
    assert.equal(foreign.body.plan, undefined, 'nothing of the plan in the refusal');
    assert.equal((await (await login('driver-1')).get(`/api/v1/waves/${state.waveId}/route-plan`)).status, 403);
    const admin = await (await login('admin-1')).get(`/api/v1/waves/${state.waveId}/route-plan`);
    assert.equal(admin.status, 200);
    assert.equal(admin.body.plan.waveId, state.waveId);
    const missing = await staff.get('/api/v1/waves/00000000-0000-4000-8000-000000000000/route-plan');
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /^waveId: no wave/);
    const bad = await staff.get('/api/v1/waves/not-a-wave/route-plan');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /id must be a UUID/);
    // A wave of another day, closed but never planned, has no plan yet.
    const other = await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: '2031-01-01' });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    const unplanned = await staff.get(`/api/v1/waves/${other.body.id}/route-plan`);
    assert.equal(unplanned.status, 200);
    assert.deepEqual(unplanned.body, { wave: other.body, plan: null });
  });

  it('driver - sees and moves only their own route; arrival makes parcels ready', async () => {
    const d1 = await login('driver-1');
    const d2 = await login('driver-2');
    const mine = await d1.get('/api/v1/driver/route');
    assert.equal(mine.status, 200);
    assert.equal(mine.body.route.driverId, 'driver-1');
    const other = state.routes.find((r) => r.driverId === 'driver-2');
    assert.equal((await d1.get(`/api/v1/routes/${other.id}`)).status, 403);
    assert.equal((await d1.post(`/api/v1/stops/${other.stops[0].id}/arrived`)).status, 403);
    assert.equal((await (await login('buyer-500')).get('/api/v1/driver/route')).status, 403);

    const moved = await d1.post('/api/v1/driver/position', { lat: 31.2304, lng: 121.4737 });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.ok(moved.body.stops.every((s: any) => s.etaAtMs > 0));
    assert.equal((await d1.post('/api/v1/driver/position', { lat: 91, lng: 0 })).status, 400);

    for (const [driver, route] of [[d1, mine.body.route], [d2, (await d2.get('/api/v1/driver/route')).body.route]] as const) {
      for (const stop of route.stops) {
        const arrived = await driver.post(`/api/v1/stops/${stop.id}/arrived`);
        assert.equal(arrived.body.status, 'ARRIVED', JSON.stringify(arrived.body));
        assert.equal((await driver.post(`/api/v1/stops/${stop.id}/arrived`)).body.arrivedAtMs, arrived.body.arrivedAtMs);
        const handed = await driver.post(`/api/v1/stops/${stop.id}/handed-over`);
        assert.equal(handed.body.status, 'HANDED_OVER');
        const leaderId = `leader-${stop.pickupPointId.slice(3)}`;
        const otherLeader = await login(leaderId === 'leader-1' ? 'leader-2' : 'leader-1');
        assert.equal((await otherLeader.post(`/api/v1/pickup-point/receipts/${stop.id}`)).status, 403);
        const received = await (await login(leaderId)).post(`/api/v1/pickup-point/receipts/${stop.id}`);
        assert.equal(received.body.status, 'RECEIVED');
      }
    }
  });

  it('pickup - the leader sees only their parcels; a right code picks up once, wrong or reused codes change nothing', async () => {
    const leader1 = await login('leader-1');
    const parcels = await leader1.get('/api/v1/leader/pickup-point/parcels');
    assert.equal(parcels.body.pickupPoint.id, 'pp-1');
    assert.equal(parcels.body.parcels.length, 2);
    assert.ok(parcels.body.parcels.every((p: any) => p.pickupPointId === 'pp-1' && p.status === 'READY_FOR_PICKUP'));

    for (const o of state.orders) {
      const buyer = await login(o.buyer);
      const { codes } = (await buyer.get('/api/v1/pickup-codes')).body;
      assert.equal(codes.length, 1);
      const leader = await login(o.leader);
      const stranger = await login(o.leader === 'leader-1' ? 'leader-2' : 'leader-1');
      assert.equal((await stranger.post('/api/v1/pickups/verify', { code: codes[0].code })).status, 404, 'a code only works at its own pickup point');
      const wrong = String((Number(codes[0].code) + 1) % 1_000_000).padStart(6, '0');
      assert.equal((await leader.post('/api/v1/pickups/verify', { code: wrong })).status, 404);
      assert.equal((await leader.post('/api/v1/pickups/verify', { code: '12ab' })).status, 400);
      const ok = await leader.post('/api/v1/pickups/verify', { code: codes[0].code });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.status, 'PICKED_UP');
      assert.equal(ok.body.orderId, o.id);
      const reused = await leader.post('/api/v1/pickups/verify', { code: codes[0].code });
      assert.equal(reused.status, 409);
      assert.equal((await buyer.get('/api/v1/pickup-codes')).body.codes[0].status, 'PICKED_UP');
    }
    const after = await leader1.get('/api/v1/leader/pickup-point/parcels');
    assert.ok(after.body.parcels.every((p: any) => p.pickedUpAtMs >= p.arrivedAtMs && p.arrivedAtMs >= p.dispatchedAtMs && p.dispatchedAtMs >= p.packedAtMs));
  });

  it('timeline - the buyer sees every step of their order with times; redelivered steps change nothing', async () => {
    const o = state.orders[0]!;
    const buyer = await Api.login(core.url, o.buyer);
    const order = await poll('the order to reach PICKED_UP', async () => {
      const r = await buyer.get(`/api/v1/orders/${o.id}`);
      return r.body.status === 'PICKED_UP' ? r.body : undefined;
    }, 10_000);
    const steps = ['PENDING_PAYMENT', 'PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP'];
    assert.deepEqual(order.timeline.map((t: any) => t.status), steps);
    const times = order.timeline.map((t: any) => Date.parse(t.at));
    assert.deepEqual([...times].sort((a, b) => a - b), times, 'timeline times are in order');

    // Every delivery step delivered again (new msg ids, so JetStream does not drop them).
    const nc = await connect({ servers: NATS_URL });
    const js = nc.jetstream();
    for (const subject of ['packed', 'dispatched', 'arrived', 'picked_up']) {
      await js.publish(`${iso.id}.fulfillment.${subject}`, JSON.stringify({ orderId: o.id, bagId: 'b', routeId: 'r', pickupPointId: 'p', atMs: Date.now() }), { msgID: `again-${subject}` });
    }
    const jsm = await nc.jetstreamManager();
    await poll('the order service to consume them', async () => {
      const info = await jsm.consumers.info(`${iso.id.toUpperCase()}_FULFILLMENT`, `${iso.id}_order-delivery-steps`);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    await nc.close();
    const again = await buyer.get(`/api/v1/orders/${o.id}`);
    assert.equal(again.body.status, 'PICKED_UP');
    assert.deepEqual(again.body.timeline, order.timeline);
  });

  it('pickup - wrong codes are limited per leader, so codes cannot be tried out', async () => {
    const guesser = await login('leader-2');
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push((await guesser.post('/api/v1/pickups/verify', { code: String(100000 + i) })).status);
    // This leader already spent a few guesses above; at most 10 wrong ones pass in a burst.
    const refused = answers.indexOf(429);
    assert.ok(refused > 0 && answers.slice(0, refused).every((s) => s === 404) && answers.slice(refused).every((s) => s === 429), answers.join());
    // Another leader is not affected.
    const other = await login('leader-3');
    assert.equal((await other.post('/api/v1/pickups/verify', { code: '999999' })).status, 404);
  });
});
