// Pickup-code guessing against two gateway pods, each with its own fulfillment pod, sharing
// Postgres and Redis: a burst of wrong codes gets at most the allowed number of codes looked at
// (counted in fulfillment's attempts table), the rest 429, and a right code waits out the window.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { parseConfig } from '@lc/kit';
import { DATABASE_URL, isolate } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';
import { startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { configShape as fulfillmentShape } from '../../fulfillment/src/config.js';
import { startFulfillment } from '../../fulfillment/src/service.js';
import { configShape as gatewayShape } from '../src/config.js';
import { startGateway } from '../src/service.js';

const LIMIT = 10;
// Long enough that the 500-guess burst fits in one window on a loaded 2-core machine.
const WINDOW_MS = 30_000;
const GUESSES = 500;

describe('pickup guessing', () => {
  const iso = isolate();
  const limits = { PICKUP_CODE_ATTEMPTS: String(LIMIT), PICKUP_CODE_WINDOW_MS: String(WINDOW_MS) };
  let core: Awaited<ReturnType<typeof startCore>>;
  let second: { fulfillment: Awaited<ReturnType<typeof startFulfillment>>; gateway: Awaited<ReturnType<typeof startGateway>> };
  let urls: [string, string];
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const schema = iso.env('fulfillment').DB_SCHEMA;
  const evaluated = async (leaderId: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM ${schema}.pickup_code_attempts WHERE leader_id = $1`, [leaderId])).rows[0].n);
  let code = '';

  before(async () => {
    core = await startCore(iso, { fulfillment: limits }, { fulfillment: true });
    const fulfillment = await startFulfillment(parseConfig(fulfillmentShape, { ...iso.env('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0', ...limits }));
    const gateway = await startGateway(
      parseConfig(gatewayShape, {
        ...iso.env('gateway'),
        INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
        ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
        FULFILLMENT_ADDR: `127.0.0.1:${fulfillment.runtime.grpcPort}`,
      }),
    );
    second = { fulfillment, gateway };
    urls = [core.url, `http://127.0.0.1:${gateway.runtime.httpPort}`];
  });
  after(async () => {
    await second?.gateway.runtime.stop();
    await second?.fulfillment.runtime.stop();
    await core?.stop();
    await db.end();
    await iso.cleanup();
  });

  it('set-up - a parcel waits at leader-1’s pickup point with the buyer’s code', async () => {
    const staff = await Api.login(core.url, 'warehouse-1');
    const wh = await staff.post('/api/v1/warehouses', {
      id: 'wh-1', name: 'Shanghai DC', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', driverIds: ['driver-1'], vehicles: [{ id: 'van-1', capacity: 10 }],
    });
    assert.equal(wh.status, 201, JSON.stringify(wh.body));
    const leader = await Api.login(core.url, 'leader-1');
    const point = await leader.post('/api/v1/pickup-points', { id: 'pp-1', warehouseId: 'wh-1', name: '自提点', lat: 31.2397, lng: 121.4998 });
    assert.equal(point.status, 201, JSON.stringify(point.body));
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 1 });
    const buyer = await Api.login(core.url, 'buyer-900');
    const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'p1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    const wave = await poll('the order in a wave', async () => (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.find((w: any) => w.orderCount === 1));
    assert.equal((await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate })).body.status, 'CLOSED');
    const plan = await staff.post(`/api/v1/waves/${wave.id}/routes`, { timeLimitMs: 200, wait: true });
    assert.equal(plan.body.status, 'DONE', JSON.stringify(plan.body));
    const lists = await staff.get(`/api/v1/waves/${wave.id}/pick-lists`);
    for (const b of lists.body.pickLists[0].bags) assert.equal((await staff.post(`/api/v1/bags/${b.id}/packed`)).status, 200);
    const route = plan.body.routes[0];
    assert.equal((await staff.post(`/api/v1/routes/${route.id}/dispatch`)).status, 200);
    const driver = await Api.login(core.url, 'driver-1');
    assert.equal((await driver.post(`/api/v1/stops/${route.stops[0].id}/arrived`)).status, 200);
    assert.equal((await driver.post(`/api/v1/stops/${route.stops[0].id}/handed-over`)).status, 200);
    assert.equal((await leader.post(`/api/v1/pickup-point/receipts/${route.stops[0].id}`)).body.status, 'RECEIVED');
    const { codes } = (await buyer.get('/api/v1/pickup-codes')).body;
    assert.equal(codes[0].status, 'READY_FOR_PICKUP');
    code = codes[0].code;
  });

  it(`pickup - ${GUESSES} concurrent wrong codes over two gateway pods: at most ${LIMIT} are looked at, the rest 429, and the right code waits out the window`, async () => {
    const leaders = await Promise.all(urls.map((u) => Api.login(u, 'leader-1')));
    const wrong = Array.from({ length: GUESSES }, (_, i) => String((Number(code) + 1 + i * 1997) % 1_000_000).padStart(6, '0'));
    assert.ok(!wrong.includes(code));
    const startedAt = Date.now();
    const answers = await Promise.all(wrong.map((c, i) => leaders[i % 2]!.post('/api/v1/pickups/verify', { code: c })));
    const tookMs = Date.now() - startedAt;
    assert.ok(tookMs < WINDOW_MS, `the burst must finish inside one window to be counted against it (took ${tookMs} ms)`);

    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    assert.deepEqual([...byStatus.keys()].sort(), [404, 429], JSON.stringify([...byStatus]));
    assert.equal(byStatus.get(404), LIMIT, 'exactly the allowed number are wrong-code answers');
    assert.equal(byStatus.get(429), GUESSES - LIMIT);
    const refused = answers.find((a) => a.status === 429)!;
    assert.equal(refused.body.code, 'RATE_LIMITED');
    assert.match(refused.body.message, /too many pickup codes tried/);
    assert.equal(refused.body.details.reason, 'PICKUP_CODE_ATTEMPTS');
    // Each pod saw some of the burst, and the two pods together let LIMIT codes through.
    assert.ok(answers.filter((a, i) => i % 2 === 0 && a.status === 429).length > 0 && answers.filter((a, i) => i % 2 === 1 && a.status === 429).length > 0);
    assert.equal(await evaluated('leader-1'), LIMIT, 'fulfillment looked at exactly the allowed number of codes');

    // Locked out: even the right code is refused, not evaluated, with Retry-After.
    const locked = await fetch(`${urls[1]}/api/v1/pickups/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${leaders[1]!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    assert.equal(locked.status, 429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= WINDOW_MS / 1000, `retry-after ${retryAfter}`);
    assert.equal(await evaluated('leader-1'), LIMIT);
    const buyer = await Api.login(core.url, 'buyer-900');
    assert.equal((await buyer.get('/api/v1/pickup-codes')).body.codes[0].status, 'READY_FOR_PICKUP', 'the refused right code changed nothing');

    // Another leader keeps their own attempts.
    assert.equal((await (await Api.login(urls[1], 'leader-2')).post('/api/v1/pickups/verify', { code: '000000' })).status, 404);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 200));
    const picked = await leaders[0]!.post('/api/v1/pickups/verify', { code });
    assert.equal(picked.status, 200, JSON.stringify(picked.body));
    assert.equal(picked.body.status, 'PICKED_UP');
    assert.equal(await evaluated('leader-1'), LIMIT + 1);
  });

  it('pickup - a right code gives its attempt back, so a busy counter is not locked out by its own parcels', async () => {
    const leader = await Api.login(urls[0], 'leader-1');
    // The window from the burst is over: spend all but one attempt, then re-scan the used code
    // (a right code, 409) more often than the limit: each gives its attempt back.
    for (let i = 0; i < LIMIT - 1; i++) assert.equal((await leader.post('/api/v1/pickups/verify', { code: String(100000 + i) })).status, 404);
    for (let i = 0; i < LIMIT + 2; i++) assert.equal((await leader.post('/api/v1/pickups/verify', { code })).status, 409);
    assert.equal((await leader.post('/api/v1/pickups/verify', { code: '999999' === code ? '999998' : '999999' })).status, 404);
    assert.equal((await leader.post('/api/v1/pickups/verify', { code: '000001' === code ? '000002' : '000001' })).status, 429);
  });
});
