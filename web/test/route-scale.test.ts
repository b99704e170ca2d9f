// Routing at a regional warehouse's scale, in the browser: a wave of 1,000 synthetic pickup points
// (one parcel each, fed through fulfillment's real order.paid consumer) is planned from the
// warehouse console; the page shows the solver's progress (best vehicles and distance so far),
// staff finish the search early, and the plan's routes and all 1,000 stops are drawn on the map.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { connect } from 'nats';
import { RpcClient } from '@lc/kit';
import { FulfillmentServiceClient } from '@lc/contracts';
import { NATS_URL, isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { poll } from '../../test-support/poll.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api } from '../../test-support/api.js';

const artifacts = join(repoRoot, 'test-artifacts');
const POINTS = 1000;
const VAN_CAPACITY = 40;
const VANS = 40;
const ADMIN = { userId: 'admin-1', role: 'admin', warehouseId: '' };

/** Deterministic points scattered over about 30 × 30 km around the depot (mulberry32). */
function syntheticPoints(seed: number): { lat: number; lng: number }[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: POINTS }, () => ({ lat: 31.2304 + (next() - 0.5) * 0.27, lng: 121.4737 + (next() - 0.5) * 0.32 }));
}

describe('web warehouse console - a wave of 1,000 pickup points', { timeout: 300_000 }, () => {
  let iso: Isolation;
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  let rpc: RpcClient<FulfillmentServiceClient>;
  let waveId = '';

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolate();
    web = buildWeb(iso.id);
    // The page's notification bell talks to the live room's inbox, as it does in production.
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { fulfillment: true });
    rpc = new RpcClient(FulfillmentServiceClient, `127.0.0.1:${core.fulfillment!.runtime.grpcPort}`);
    browser = await launchChromium();

    const staff = await Api.login(core.url, 'warehouse-1');
    const created = await staff.post('/api/v1/warehouses', {
      id: 'wh-1', name: '区域仓 Regional DC', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', shiftStart: '06:00', shiftEnd: '22:00', cutoff: '22:00',
      driverIds: [], vehicles: Array.from({ length: VANS }, (_, i) => ({ id: `van-${i + 1}`, capacity: VAN_CAPACITY })),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // A thousand leaders' points, as onboarding would create them; gRPC keeps the set-up short.
    const points = syntheticPoints(20261202);
    for (let i = 0; i < POINTS; i += 20) {
      await Promise.all(points.slice(i, i + 20).map((p, k) => rpc.call((c) => c.createPickupPoint, {
        actor: ADMIN,
        pickupPoint: { id: `pp-s${i + k}`, warehouseId: 'wh-1', leaderId: `leader-s${i + k}`, name: `自提点 ${i + k}`, address: '', lat: p.lat, lng: p.lng, opensAt: '08:00', closesAt: '21:00', serviceMinutes: 3, dailyCapacity: 200 },
      }, { deadlineMs: 60_000 })));
    }
    // One paid parcel per point, through fulfillment's own consumer of order events.
    const nc = await connect({ servers: NATS_URL });
    const js = nc.jetstream();
    for (let i = 0; i < POINTS; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, POINTS - i) }, (_, k) => {
        const n = i + k;
        const paid = { orderId: `order-s${n}`, buyerId: `buyer-${n}`, leaderId: `leader-s${n}`, skuId: 'sku-1', warehouseId: 'wh-1', qty: 1, status: 'PAID', atMs: Date.now() };
        return js.publish(`${iso.id}.order.paid`, JSON.stringify(paid), { msgID: `paid-s${n}` });
      }));
    }
    await nc.close();
    let seen = 0;
    const wave = await poll(`${POINTS} orders in the wave`, async () => {
      const w = (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.[0];
      seen = w?.orderCount ?? 0;
      return seen === POINTS ? w : undefined;
    }, 300_000).catch((e: Error) => assert.fail(`${e.message} (${seen} joined)`));
    const closed = await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate });
    assert.equal(closed.body.status, 'CLOSED', JSON.stringify(closed.body));
    waveId = wave.id;
  });

  after(async () => {
    rpc?.close();
    await browser?.close();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
  });

  it('plans the wave with a progress bar showing the best plan so far, finishes early on request, and draws every route and stop', async () => {
    const errors: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/warehouse.html?${core.rt}`);
    const waveRow = page.locator(`#wave-list li[data-wave-id="${waveId}"]`);
    await waveRow.waitFor({ timeout: 20_000 });
    assert.match(await waveRow.textContent() ?? '', new RegExp(`CLOSED.*${POINTS} 单 orders`));
    await waveRow.locator('button').click();
    await page.locator('#pick-lists .pick-list').first().waitFor({ timeout: 30_000 });

    await page.fill('#time-limit', '60');
    await page.click('#plan');
    await page.locator('#plan-progress:not(.hidden)').waitFor({ timeout: 10_000 });
    // The bar moves and names the best plan found so far while the solver works in its thread.
    await page.waitForFunction(() => /最佳 best \d+ 辆车 vehicles · [\d.]+ km/.test(document.querySelector('#plan-progress')?.textContent ?? ''), null, { timeout: 60_000 });
    const fraction = Number(await page.locator('#plan-progress').getAttribute('data-fraction'));
    assert.ok(fraction > 0 && fraction < 1, `a determinate bar part-way (${fraction})`);
    const text = await page.textContent('#plan-progress') ?? '';
    const best = Number(/best (\d+) 辆车/.exec(text)![1]);
    assert.ok(best >= Math.ceil(POINTS / VAN_CAPACITY) && best <= VANS, `best so far uses ${best} vans: ${text}`);
    await page.screenshot({ path: join(artifacts, 'warehouse-route-scale-progress.png') });

    // Staff do not wait the whole minute: the solver stops and its best plan so far is written.
    const asked = Date.now();
    await page.click('#finish-plan');
    const map = page.locator('#route-map-slot svg.route-map');
    await waitForOrExplain(page, '#route-map-slot svg.route-map', 45_000, errors);
    await page.locator('#plan-progress.hidden').waitFor({ state: 'attached', timeout: 10_000 });
    assert.ok(Date.now() - asked < 45_000);

    const routes = await map.locator('polyline.route').count();
    assert.ok(routes >= Math.ceil(POINTS / VAN_CAPACITY) && routes <= VANS, `${routes} routes drawn`);
    assert.equal(await map.locator('g.stop').count(), POINTS, 'one marker per pickup point');
    assert.equal(await page.locator('#route-list .route-row[data-status=PLANNED]').count(), routes);
    assert.equal(await page.locator('#route-list .unserved').count(), 0, 'every point on a route');
    // The drawn plan is the stored one, finished early, with every parcel on exactly one route.
    const routeIds = await page.locator('#route-list .route-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.routeId!));
    const staff = await Api.login(core.url, 'warehouse-1');
    const stops = (await Promise.all(routeIds.map(async (id) => (await staff.get(`/api/v1/routes/${id}`)).body.stops as { pickupPointId: string }[]))).flat();
    assert.equal(new Set(stops.map((s) => s.pickupPointId)).size, POINTS);
    assert.equal(stops.length, POINTS);
    await page.screenshot({ path: join(artifacts, 'warehouse-route-scale-map.png'), fullPage: false });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
