// The warehouse console across reloads, in Chromium against the real services: a plan still being
// computed comes back as progress (and can be finished from the reloaded page), a planned wave
// comes back with its routes on the map exactly as before, and a route dispatched after a reload
// stays dispatched on the next one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { poll } from '../../test-support/poll.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, createFlashSale, shareToken } from '../../test-support/api.js';
import { openShanghaiDc } from '../../test-support/delivery.js';

const artifacts = join(repoRoot, 'test-artifacts');
const CONTEXT = { viewport: { width: 1200, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' };

/** What the console shows of the plan: each route row and each line and marker on the map. */
async function shown(page: Page) {
  return {
    rows: await page.locator('#route-list .route-row').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.routeId} ${(r as HTMLElement).dataset.status} ${r.textContent}`)),
    lines: await page.locator('#route-map-slot svg.route-map polyline.route').evaluateAll((ls) => ls.map((l) => l.getAttribute('points'))),
    stops: await page.locator('#route-map-slot svg.route-map g.stop').evaluateAll((gs) => gs.map((g) => g.outerHTML)),
    depot: await page.locator('#route-map-slot svg.route-map .depot').count(),
  };
}

describe('web warehouse console - reloads keep the wave, its plan and its routes', { timeout: 180_000 }, () => {
  let iso: Isolation;
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  let waveId = '';

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolate();
    web = buildWeb(iso.id);
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { fulfillment: true });
    browser = await launchChromium();

    // Two vans of four, three leaders' pickup points, six paid orders: two routes.
    const staff = await Api.login(core.url, 'warehouse-1');
    await openShanghaiDc(core.url);
    const { flashSaleId } = await createFlashSale(await Api.login(core.url, 'leader-1'), { quantity: 30, perBuyerLimit: 5 });
    for (let i = 0; i < 6; i++) {
      const leaderId = `leader-${(i % 3) + 1}`;
      const buyer = await Api.login(core.url, `buyer-${900 + i}`);
      const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 + (i % 2), shareToken: await shareToken(core.url, leaderId) }, { 'idempotency-key': `r-${i}` });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    }
    const wave = await poll('6 orders in the wave', async () => {
      const w = (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.[0];
      return w?.orderCount === 6 ? w : undefined;
    });
    assert.equal((await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate })).body.status, 'CLOSED');
    waveId = wave.id;
    // Routes leave only with their bags packed (packing in the page is the consoles suite's part).
    for (const list of (await staff.get(`/api/v1/waves/${waveId}/pick-lists`)).body.pickLists)
      for (const bag of list.bags) assert.equal((await staff.post(`/api/v1/bags/${bag.id}/packed`)).status, 200);
  });

  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
  });

  it('a reload resumes the plan in progress, then shows the same routes on the map, and dispatching works after it', async () => {
    const errors: string[] = [];
    const staff = await Api.login(core.url, 'warehouse-1');
    const context = await browser.newContext(CONTEXT);
    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/warehouse.html?${core.rt}`);
    const waveRow = page.locator(`#wave-list li[data-wave-id="${waveId}"]`);
    await waveRow.waitFor({ timeout: 15_000 });
    await waveRow.locator('button').click();
    await page.locator('#pick-lists .pick-list').first().waitFor({ timeout: 10_000 });
    assert.equal(new URL(page.url()).searchParams.get('wave'), waveId, 'the open wave is in the address');
    assert.equal(await page.locator('#route-map-slot svg').count(), 0, 'not planned yet: no map');

    // A long search, left running while the page reloads.
    await page.fill('#time-limit', '40');
    await page.click('#plan');
    await page.locator('#plan-progress:not(.hidden)').waitFor({ timeout: 10_000 });
    await page.reload();
    await page.locator('#pick-lists .pick-list').first().waitFor({ timeout: 15_000 });
    await page.locator('#plan-progress:not(.hidden)').waitFor({ timeout: 10_000 });
    const running = (await staff.get(`/api/v1/waves/${waveId}/route-plan`)).body.plan;
    assert.equal(running.status, 'PLANNING', 'the search still runs after the reload');
    assert.match(await page.textContent('#plan-progress') ?? '', /Planning… [\d.]+ \/ 40 s/);
    assert.ok(await page.isDisabled('#plan'), 'no second plan while this one runs');
    // The reloaded page can still end the search with its best plan so far.
    await page.click('#finish-plan');
    await waitForOrExplain(page, '#route-map-slot svg.route-map', 30_000, errors);
    await page.locator('#plan-progress.hidden').waitFor({ state: 'attached', timeout: 5_000 });
    const done = (await staff.get(`/api/v1/route-plans/${running.id}`)).body;
    assert.equal(done.status, 'DONE');
    assert.equal(done.finishRequested, true);

    const planned = await shown(page);
    assert.equal(planned.lines.length, 2, 'two vans, two routes drawn');
    assert.equal(planned.stops.length, 3, 'one marker per stop');
    assert.equal(planned.depot, 1);
    assert.deepEqual(planned.rows.map((r) => r.split(' ')[1]), ['PLANNED', 'PLANNED']);
    assert.deepEqual(planned.rows.map((r) => r.split(' ')[0]).sort(), done.routes.map((r: { id: string }) => r.id).sort());

    // A plain reload: the same routes, lines and markers, each dispatchable.
    await page.reload();
    await waitForOrExplain(page, '#route-map-slot svg.route-map', 15_000, errors);
    await page.locator('#route-list .route-row').nth(1).waitFor({ timeout: 10_000 });
    assert.deepEqual(await shown(page), planned);
    assert.equal(await page.locator('#route-list .route-row button.dispatch').count(), 2);
    assert.equal(await page.locator('#plan-progress.hidden').count(), 1, 'no progress shown for a finished plan');
    await page.screenshot({ path: join(artifacts, 'warehouse-after-reload.png'), fullPage: true });

    // Dispatch one route from the reloaded page.
    const first = page.locator('#route-list .route-row[data-status=PLANNED]').first();
    const routeId = (await first.getAttribute('data-route-id'))!;
    await first.locator('button.dispatch').click();
    await page.locator(`#route-list .route-row[data-route-id="${routeId}"][data-status=DISPATCHED]`).waitFor({ timeout: 10_000 });
    assert.equal((await staff.get(`/api/v1/routes/${routeId}`)).body.status, 'DISPATCHED');

    // And once more: one route on the road, the other still waiting for its dispatch.
    await page.reload();
    await page.locator(`#route-list .route-row[data-route-id="${routeId}"][data-status=DISPATCHED]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#route-list .route-row[data-status=PLANNED]').count(), 1);
    assert.equal(await page.locator(`#route-list .route-row[data-route-id="${routeId}"] button.dispatch`).count(), 0, 'a dispatched route cannot be dispatched again');
    const again = await shown(page);
    assert.deepEqual(again.lines, planned.lines);
    assert.equal(again.stops.length, 3);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
