// Browser flows of the fulfillment consoles, end to end with real services and Debian's Chromium:
// warehouse staff see their stock, pack a closed wave's bags, plan and dispatch routes; a driver marks a stop
// arrived; the leader at that stop sees only their parcels and verifies buyers' pickup codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium } from '../../test-support/browser.js';
import { poll } from '../../test-support/poll.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, createFlashSale, shareToken } from '../../test-support/api.js';
import { openShanghaiDc } from '../../test-support/delivery.js';

const artifacts = join(repoRoot, 'test-artifacts');
// The consoles show clock times in the browser's zone; staff sit in the warehouse's zone.
const CONTEXT = { viewport: { width: 1200, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' };

type Core = Awaited<ReturnType<typeof startCoreWithInbox>>;

/** Error toasts vanish after a few seconds; report each one as a console error so none is missed. */
async function reportErrorToasts(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    new MutationObserver((records) => {
      for (const r of records)
        for (const n of r.addedNodes) if (n instanceof HTMLElement && n.matches('.toast.error')) console.error(`error toast: ${n.textContent}`);
    }).observe(document, { childList: true, subtree: true });
  });
}

/** Runs a page flow; a failure (a timed-out wait, say) also lists what the pages reported meanwhile. */
async function flow(errors: string[], fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (errors.length && e instanceof Error) e.message += `\npage errors so far:\n  ${errors.join('\n  ')}`;
    throw e;
  }
}

/** Full-page screenshot from the top (a sticky header drawn mid-page otherwise). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

describe('web fulfillment consoles', { timeout: 120_000 }, () => {
  let iso: Isolation;
  let core: Core;
  let browser: Browser;
  let context: BrowserContext;
  const errors: string[] = [];
  const orders: { id: string; buyer: string; leader: string }[] = [];
  let waveId = '';
  let skuId = '';
  let arrivedStop: { id: string; pickupPointId: string } | undefined;
  let web: ReturnType<typeof buildWeb> | undefined;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolate();
    web = buildWeb(iso.id);
    // Every console carries the inbox bell, served by live-room (pages reach it through `rt=`).
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { fulfillment: true });
    browser = await launchChromium();
    context = await browser.newContext(CONTEXT);
    await reportErrorToasts(context);

    // A warehouse with two vans of four, three leaders' pickup points, six paid orders.
    const staff = await Api.login(core.url, 'warehouse-1');
    await openShanghaiDc(core.url);
    const sale = await createFlashSale(await Api.login(core.url, 'leader-1'), { quantity: 30, perBuyerLimit: 5 });
    const { flashSaleId } = sale;
    skuId = sale.skuId;
    for (let i = 0; i < 6; i++) {
      const buyerId = `buyer-${800 + i}`;
      const leaderId = `leader-${(i % 3) + 1}`;
      const buyer = await Api.login(core.url, buyerId);
      const placed = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 + (i % 2), shareToken: await shareToken(core.url, leaderId) }, { 'idempotency-key': `c-${i}` });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
      orders.push({ id: placed.body.id, buyer: buyerId, leader: leaderId });
    }
    const wave = await poll('6 orders in the wave', async () => {
      const w = (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.[0];
      return w?.orderCount === 6 ? w : undefined;
    });
    const closed = await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate });
    assert.equal(closed.body.status, 'CLOSED', JSON.stringify(closed.body));
    waveId = wave.id;
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
  });

  it('warehouse console - pick lists per pickup point, packing every bag, routes planned with progress and drawn, dispatched', async () => {
    await flow(errors, async () => {
      const page = await context.newPage();
      collectErrors(page, errors);
      await page.goto(`${core.url}/warehouse.html?${core.rt}`);
      const stockRow = page.locator(`#stock-levels li[data-sku-id="${skuId}"]`);
      await stockRow.waitFor({ timeout: 10_000 });
      assert.deepEqual([await stockRow.getAttribute('data-on-hand'), await stockRow.getAttribute('data-free')], ['21', '0'], '9 of the pool\'s 30 units sold and off the shelf');
      assert.match(await stockRow.textContent() ?? '', /活动锁定 in pools 21/);
      const waveRow = page.locator(`#wave-list li[data-wave-id="${waveId}"]`);
      await waveRow.waitFor({ timeout: 10_000 });
      assert.match(await waveRow.textContent() ?? '', /CLOSED.*6 单 orders/);
      await waveRow.locator('button').click();

      const lists = page.locator('#pick-lists .pick-list');
      await lists.first().waitFor({ timeout: 10_000 });
      assert.deepEqual(await lists.evaluateAll((ls) => ls.map((l) => (l as HTMLElement).dataset.pickupPointId)), ['pp-1', 'pp-2', 'pp-3']);
      for (const pp of ['pp-1', 'pp-2', 'pp-3']) {
        const list = page.locator(`.pick-list[data-pickup-point-id="${pp}"]`);
        assert.match(await list.locator('.sku-totals').textContent() ?? '', /^阳光玫瑰葡萄 Shine Muscat grapes · 1 box × 3 \(2 袋 bags\)$/, `${pp}: one order of 1 and one of 2, named for the picker`);
        assert.equal(await list.locator('tr[data-bag-id]').count(), 2);
        assert.deepEqual(await list.locator('tr[data-bag-id] td.sku').allTextContents(), ['阳光玫瑰葡萄 Shine Muscat grapes · 1 box', '阳光玫瑰葡萄 Shine Muscat grapes · 1 box']);
      }
      await screenshot(page, 'warehouse-pick-lists.png');

      // Pack every bag with its button; the list refreshes after each one.
      for (let left = 6; left > 0; left--) {
        await page.locator('tr[data-status=PENDING] button.pack').first().click();
        await page.waitForFunction((n) => document.querySelectorAll('tr[data-bag-id][data-status=PENDING]').length === n, left - 1, { timeout: 10_000 });
      }
      assert.equal(await page.locator('tr[data-bag-id][data-status=PACKED]').count(), 6);

      await page.fill('#time-limit', '1');
      await page.click('#plan');
      await page.locator('#plan-progress:not(.hidden)').waitFor({ timeout: 5_000 });
      assert.match(await page.textContent('#plan-progress') ?? '', /Planning/);
      const map = page.locator('#route-map-slot svg.route-map');
      await map.waitFor({ timeout: 15_000 });
      await page.locator('#plan-progress.hidden').waitFor({ state: 'attached', timeout: 5_000 });
      assert.equal(await map.locator('polyline.route').count(), 2, 'two vans, two routes drawn');
      assert.equal(await map.locator('g.stop').count(), 3, 'one marker per stop');
      assert.equal(await map.locator('.depot').count(), 1, 'the warehouse is on the map');
      assert.equal(await page.locator('#route-list .route-row[data-status=PLANNED]').count(), 2);

      for (let left = 2; left > 0; left--) {
        await page.locator('.route-row[data-status=PLANNED] button.dispatch').first().click();
        await page.waitForFunction((n) => document.querySelectorAll('.route-row[data-status=PLANNED]').length === n, left - 1, { timeout: 10_000 });
      }
      assert.equal(await page.locator('#route-list .route-row[data-status=DISPATCHED]').count(), 2);
      await screenshot(page, 'warehouse.png');
      assert.deepEqual(errors, [], 'no errors in the warehouse console');
    });
  });

  it('driver console - own route with stops in order and ETAs on the map; "arrived" and "handed over" change the stop on the page', async () => {
    await flow(errors, async () => {
      const driverApi = await Api.login(core.url, 'driver-1');
      const { route } = (await driverApi.get('/api/v1/driver/route')).body;
      assert.equal(route?.status, 'DISPATCHED', JSON.stringify(route));
      const page = await context.newPage();
      collectErrors(page, errors);
      await page.goto(`${core.url}/driver.html?driver=driver-1&${core.rt}`);
      const items = page.locator('#stops li[data-stop-id]');
      await items.first().waitFor({ timeout: 10_000 });
      assert.equal(await page.textContent('#route-status'), 'DISPATCHED');
      const sorted = [...route.stops].sort((a: { sequence: number }, b: { sequence: number }) => a.sequence - b.sequence);
      assert.deepEqual(await items.evaluateAll((ls) => ls.map((l) => (l as HTMLElement).dataset.stopId)), sorted.map((s: { id: string }) => s.id), 'stops in order');
      const map = page.locator('#map-slot svg.route-map');
      assert.equal(await map.locator('polyline.route').count(), 1);
      assert.equal(await map.locator('g.stop').count(), sorted.length);
      const etas = await map.locator('g.stop .eta').allTextContents();
      assert.equal(etas.length, sorted.length);
      for (const t of etas) assert.match(t, /\d{2}:\d{2}/, 'an ETA next to each stop');
      assert.match(await items.first().textContent() ?? '', /ETA \d{2}:\d{2}/);

      const first = sorted[0] as { id: string; pickupPointId: string };
      await items.first().locator('button.arrived').click();
      await page.locator(`#stops li[data-stop-id="${first.id}"][data-status=ARRIVED]`).waitFor({ timeout: 10_000 });
      await page.locator(`#stops li[data-stop-id="${first.id}"] button.handed-over`).waitFor({ timeout: 5_000 });
      assert.equal(await map.locator(`g.stop[data-stop-id="${first.id}"]`).getAttribute('data-status'), 'ARRIVED', 'the marker shows the new status');
      arrivedStop = first;
      await screenshot(page, 'driver.png');
      await page.locator(`#stops li[data-stop-id="${first.id}"] button.handed-over`).click();
      await page.locator(`#stops li[data-stop-id="${first.id}"][data-status=HANDED_OVER]`).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator(`#stops li[data-stop-id="${first.id}"] button`).count(), 0, 'nothing left to do at that stop');
      assert.deepEqual(errors, [], 'no errors in the driver console');
    });
  });

  it('warehouse console - stop statuses on the route map follow the drivers live', async () => {
    await flow(errors, async () => {
      assert.ok(arrivedStop, 'the driver test marked a stop arrived');
      const page = context.pages().find((p) => p.url().includes('/warehouse.html'));
      assert.ok(page);
      await page.locator(`#route-map-slot g.stop[data-stop-id="${arrivedStop.id}"][data-status=HANDED_OVER]`).waitFor({ timeout: 10_000 });
      assert.deepEqual(errors, []);
    });
  });

  it('pickup console - the leader sees only their parcels and confirms receipt; a wrong code is refused, the buyer\'s code picks up', async () => {
    await flow(errors, async () => {
      assert.ok(arrivedStop, 'the driver test marked a stop arrived');
      const pp = arrivedStop.pickupPointId;
      const leaderId = `leader-${pp.slice(3)}`;
      const mine = orders.filter((o) => o.leader === leaderId);
      const page = await context.newPage();
      collectErrors(page, errors);
      await page.goto(`${core.url}/pickup.html?leader=${leaderId}&${core.rt}`);
      const rows = page.locator('#parcels tr[data-bag-id]');
      await rows.first().waitFor({ timeout: 10_000 });
      assert.equal(await rows.count(), mine.length, 'this point\'s parcels only');
      for (const label of await rows.locator('td:first-child').allTextContents()) assert.match(label, new RegExp(`-${pp}-\\d{3}$`));
      assert.match(await page.textContent('#point-name') ?? '', new RegExp(`${leaderId} 自提点`));
      assert.equal(await page.locator('#parcels tr[data-status=READY_FOR_PICKUP]').count(), mine.length, 'arrived parcels are ready');

      // The driver handed the parcels over: the leader confirms receipt of that delivery once.
      const receipt = page.locator(`#receipts button.receive[data-stop-id="${arrivedStop.id}"]`);
      assert.equal(await page.locator('#receipts button.receive').count(), 1, 'one receipt per delivery');
      await receipt.click();
      await page.locator('.toast', { hasText: 'Receipt confirmed' }).waitFor({ timeout: 5_000 });
      await receipt.waitFor({ state: 'detached', timeout: 5_000 });

      const buyer = await Api.login(core.url, mine[0]!.buyer);
      const { codes } = (await buyer.get('/api/v1/pickup-codes')).body;
      assert.equal(codes.length, 1);
      const code: string = codes[0].code;
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');

      await page.fill('#pickup-code', wrong);
      await page.click('#verify-form button[type=submit]');
      await page.locator('#verify-result[data-outcome=refused]').waitFor({ timeout: 5_000 });
      assert.match(await page.textContent('#verify-result') ?? '', /Refused/);
      // The one refusal the leader caused on purpose.
      const expected = errors.indexOf('404 POST /api/v1/pickups/verify');
      assert.notEqual(expected, -1, 'the wrong code was sent and refused by the server');
      errors.splice(expected, 1);
      assert.equal(await page.locator('#parcels tr[data-status=PICKED_UP]').count(), 0, 'a wrong code changes nothing');

      await page.fill('#pickup-code', code);
      await page.click('#verify-form button[type=submit]');
      await page.locator('#verify-result[data-outcome=ok]').waitFor({ timeout: 5_000 });
      const bagId = codes[0].bagId as string;
      await page.locator(`#parcels tr[data-bag-id="${bagId}"][data-status=PICKED_UP]`).waitFor({ timeout: 5_000 });
      assert.match(await page.textContent(`#parcels tr[data-bag-id="${bagId}"]`) ?? '', /已提货 Picked up \d{2}:\d{2}/);
      assert.match(await page.textContent('#parcel-summary') ?? '', /Picked up 1/);
      await screenshot(page, 'pickup.png');
      assert.deepEqual(errors, [], 'no errors in the pickup console');
    });
  });

  it('warehouse console - staff accept a leader\'s proposal (stocked for that leader) and reject another with a reason', async () => {
    await flow(errors, async () => {
      const leader = await Api.login(core.url, 'leader-3');
      const wanted = await leader.post('/api/v1/product-proposals', { name: '张的蜂蜜 Zhang\'s honey', skus: [{ name: '500 g', listPriceFen: 4800, initialStock: 12 }] });
      const dear = await leader.post('/api/v1/product-proposals', { name: '太贵的茶 dear tea', skus: [{ name: '100 g', listPriceFen: 99_900, initialStock: 1 }] });
      assert.deepEqual([wanted.status, dear.status], [201, 201]);
      const page = await context.newPage();
      collectErrors(page, errors);
      await page.goto(`${core.url}/warehouse.html?${core.rt}`);
      assert.equal(await page.inputValue('#warehouse-id'), 'wh-1', 'the staff member\'s own warehouse');
      const row = (id: string) => page.locator(`#proposal-list li[data-proposal-id="${id}"]`);
      await row(wanted.body.id).waitFor({ timeout: 10_000 });
      assert.match(await row(wanted.body.id).textContent() ?? '', /leader-3.*张的蜂蜜/);
      await row(wanted.body.id).locator('button.accept').click();
      await row(wanted.body.id).waitFor({ state: 'detached', timeout: 5_000 });
      await page.locator('#stock-levels li', { hasText: '张的蜂蜜' }).waitFor({ timeout: 5_000 });

      await row(dear.body.id).locator('input.reason').fill('价格太高 price too high');
      await row(dear.body.id).locator('button.reject').click();
      await row(dear.body.id).waitFor({ state: 'detached', timeout: 5_000 });
      const mine = (await leader.get('/api/v1/product-proposals')).body.proposals as { id: string; status: string; reason: string | null; productId: string | null }[];
      const [accepted, rejected] = [mine.find((p) => p.id === wanted.body.id)!, mine.find((p) => p.id === dear.body.id)!];
      assert.equal(accepted.status, 'ACCEPTED');
      const product = (await leader.get(`/api/v1/products/${accepted.productId}`)).body;
      assert.equal(product.ownerLeaderId, 'leader-3', 'the product is the proposing leader\'s');
      assert.deepEqual([rejected.status, rejected.reason], ['REJECTED', '价格太高 price too high']);
      assert.deepEqual(errors, [], 'no errors in the warehouse console');
    });
  });
});
