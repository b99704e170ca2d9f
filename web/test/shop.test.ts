// The buyer shop in Debian's Chromium against real services: ordering at list price within the
// SKU's limit, paying, cancelling, and the stock shown moving with each step.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium } from '../../test-support/browser.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, stockProduct } from '../../test-support/api.js';

const artifacts = join(repoRoot, 'test-artifacts');

describe('web buyer shop', { timeout: 120_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let eggs = '';
  let rice = '';
  let web: ReturnType<typeof buildWeb> | undefined;
  const shopUrl = () => `${core.url}/shop.html?buyer=buyer-950&${core.rt}`;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    // The shop carries the inbox bell, served by live-room (the page reaches it through `rt=`).
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir });
    browser = await launchChromium();
    const product = await stockProduct(core.url, 'leader-1', {
      name: '农家早餐 Farm breakfast',
      skus: [
        { name: '土鸡蛋 30 eggs', listPriceFen: 2590, perBuyerLimit: 2, initialStock: 3 },
        { name: '五常大米 5 kg rice', listPriceFen: 6900, perBuyerLimit: 0, initialStock: 10 },
      ],
    });
    [eggs, rice] = product.skus.map((s) => s.id) as [string, string];
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  const sku = (page: Page, id: string) => page.locator(`#products li.sku[data-sku-id="${id}"]`);
  const availableOf = (page: Page, id: string) => sku(page, id).getAttribute('data-available');

  it('shop - a buyer orders at list price within the limit, pays one order and cancels another; the stock shown follows', async () => {
    const context = await browser.newContext({
      viewport: { width: 420, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: { latitude: 31.24, longitude: 121.5 },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    collectErrors(page, errors);
    await page.goto(shopUrl());
    await sku(page, eggs).waitFor({ timeout: 10_000 });
    assert.equal(await availableOf(page, eggs), '3');
    assert.match((await sku(page, eggs).textContent()) ?? '', /每人限购 2 per buyer · 已买 0 you have 0.*¥25\.90/);
    // Orders go to a pickup point: the buyer (bound to no leader) chooses the nearest first.
    await page.locator('button.locate').click();
    await page.locator('li.point[data-point-id="pp-leader-1"] button.choose-point').click();
    await page.waitForFunction(() => document.querySelector('.pickup-picker')?.getAttribute('data-point-id') === 'pp-leader-1');
    // The same buyer's shop in a second tab, opened now: it will be out of date.
    const staleTab = await context.newPage();
    const staleErrors: string[] = [];
    collectErrors(staleTab, staleErrors);
    await staleTab.goto(shopUrl());
    await sku(staleTab, eggs).waitFor({ timeout: 10_000 });

    await sku(page, eggs).locator('input.qty').fill('2');
    await sku(page, eggs).locator('button.buy-sku').click();
    const first = page.locator('#orders .order').first();
    await first.waitFor({ timeout: 10_000 });
    assert.equal(await first.getAttribute('data-status'), 'PENDING_PAYMENT');
    assert.match((await first.locator('.total').textContent()) ?? '', /¥51\.80/, 'twice the list price, in fen');
    await page.waitForFunction((id) => document.querySelector(`li.sku[data-sku-id="${id}"]`)?.getAttribute('data-available') === '1', eggs);
    // The limit is used up: the shop says so and offers no more.
    assert.equal(await sku(page, eggs).getAttribute('data-bought'), '2');
    assert.match((await sku(page, eggs).textContent()) ?? '', /已买 2 you have 2/);
    assert.equal(await sku(page, eggs).locator('button.buy-sku').textContent(), '已达限购 Limit reached');
    assert.ok(await sku(page, eggs).locator('button.buy-sku').isDisabled());

    // The out-of-date tab still offers a unit: the server refuses it, nothing changes, and the
    // tab catches up.
    assert.equal(await sku(staleTab, eggs).getAttribute('data-bought'), '0');
    await sku(staleTab, eggs).locator('button.buy-sku').click();
    await staleTab.locator('.toast.error', { hasText: '已达限购' }).waitFor({ timeout: 10_000 });
    await staleTab.waitForFunction((id) => document.querySelector(`li.sku[data-sku-id="${id}"]`)?.getAttribute('data-bought') === '2', eggs);
    assert.equal(await availableOf(staleTab, eggs), '1');
    assert.ok(await sku(staleTab, eggs).locator('button.buy-sku').isDisabled());
    assert.deepEqual(staleErrors, ['409 POST /api/v1/orders']);
    await staleTab.close();

    await first.locator('button.pay').click();
    await page.waitForFunction(() => document.querySelector('#orders .order')?.getAttribute('data-status') === 'PAID', null, { timeout: 10_000 });

    await sku(page, rice).locator('button.buy-sku').click();
    await page.waitForFunction(() => document.querySelectorAll('#orders .order').length === 2, null, { timeout: 10_000 });
    await page.waitForFunction((id) => document.querySelector(`li.sku[data-sku-id="${id}"]`)?.getAttribute('data-available') === '9', rice);
    await page.locator('#orders .order').first().locator('button.cancel').click();
    await page.waitForFunction(() => document.querySelector('#orders .order')?.getAttribute('data-status') === 'CANCELLED', null, { timeout: 10_000 });
    await page.waitForFunction((id) => document.querySelector(`li.sku[data-sku-id="${id}"]`)?.getAttribute('data-available') === '10', rice);
    await page.screenshot({ path: join(artifacts, 'shop.png'), fullPage: true });

    // What the page showed is what the API has.
    const buyer = await Api.login(core.url, 'buyer-950');
    const mine = (await buyer.get('/api/v1/orders')).body.orders as { skuId: string; status: string; totalFen: number }[];
    assert.deepEqual(
      mine.map((o) => [o.skuId, o.status, o.totalFen]).sort(),
      [
        [eggs, 'PAID', 5180],
        [rice, 'CANCELLED', 6900],
      ].sort(),
    );
    // This tab made no failed request and raised nothing.
    assert.deepEqual(errors, []);

    // Reloading shows the same orders, newest first.
    await page.reload();
    await page.locator('#orders .order').nth(1).waitFor({ timeout: 10_000 });
    assert.deepEqual(await page.locator('#orders .order').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status)), ['CANCELLED', 'PAID']);
    await context.close();
  });
});
