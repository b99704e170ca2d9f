// Browser flow of the warehouse console's stock ledger section with real services and Debian's
// Chromium: staff receive goods with a batch and expiry, count and damage stock, see the on-hand
// bars move and low stock highlighted at the level, set a SKU's own level, and read the ledger;
// an over-adjustment is refused on the page and moves nothing. Screenshot saved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium } from '../../test-support/browser.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, stockProduct } from '../../test-support/api.js';

const artifacts = join(repoRoot, 'test-artifacts');
// The default low-stock level inventory starts with.
const DEFAULT_LEVEL = 20;

describe('web warehouse stock ledger', { timeout: 180_000 }, () => {
  let iso: Isolation;
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  const errors: string[] = [];

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolate();
    web = buildWeb(iso.id);
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { fulfillment: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
  });

  const bar = (page: Page, skuId: string) => page.locator(`#stock-board li[data-sku-id="${skuId}"]`);
  const newestIs = (page: Page, kind: string) => page.locator(`#ledger-rows tr:first-child[data-kind="${kind}"]`).waitFor({ timeout: 15_000 });
  const onHandBecomes = (page: Page, skuId: string, n: number) => page.locator(`#stock-board li[data-sku-id="${skuId}"][data-on-hand="${n}"]`).waitFor({ timeout: 15_000 });

  it('warehouse stock - receive, count, damage and set a level on the page; the ledger and the bars follow', async () => {
    const eggs = (await stockProduct(core.url, 'leader-1', { name: '有机鸡蛋 Organic eggs', skus: [{ name: '30 枚 30 eggs', listPriceFen: 3990, initialStock: 40 }] })).skus[0]!.id;
    const milk = (await stockProduct(core.url, 'leader-1', { name: '鲜牛奶 Fresh milk', skus: [{ name: '1 L', listPriceFen: 1590, initialStock: 6 }] })).skus[0]!.id;

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/warehouse.html?${core.rt}`);
    await bar(page, eggs).waitFor({ timeout: 30_000 });
    assert.equal(await bar(page, eggs).getAttribute('data-low'), 'false', '40 on hand is above the default level');
    assert.equal(await bar(page, milk).getAttribute('data-low'), 'true', `6 on hand is at or below ${DEFAULT_LEVEL}`);
    assert.match(await page.locator('#low-stock-count').textContent() ?? '', /^1 /);

    const expiry = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    await page.selectOption('#receive-form select[name=skuId]', eggs);
    await page.fill('#receive-form input[name=qty]', '25');
    await page.fill('#receive-form input[name=batch]', 'B-1201');
    await page.fill('#receive-form input[name=expiresOn]', expiry);
    await page.click('#receive-submit');
    await onHandBecomes(page, eggs, 65);
    await newestIs(page, 'RECEIPT');
    const first = page.locator('#ledger-rows tr').first();
    assert.match(await first.textContent() ?? '', new RegExp(`\\+25.*65.*B-1201.*${expiry}`));

    await page.selectOption('#adjust-form select[name=skuId]', eggs);
    await page.selectOption('#adjust-reason', 'COUNT');
    await page.fill('#adjust-form input[name=units]', '60');
    await page.click('#adjust-submit');
    await onHandBecomes(page, eggs, 60);
    await newestIs(page, 'COUNT');
    assert.match(await page.locator('#ledger-rows tr').first().textContent() ?? '', /盘点 Count-560.*counted 60/);

    // More than is on hand: refused on the page, nothing moves.
    await page.selectOption('#adjust-form select[name=skuId]', eggs);
    await page.selectOption('#adjust-reason', 'DAMAGE');
    await page.fill('#adjust-form input[name=units]', '61');
    await page.click('#adjust-submit');
    await page.locator('.toast.error').filter({ hasText: '60' }).waitFor({ timeout: 10_000 });
    assert.equal(await bar(page, eggs).getAttribute('data-on-hand'), '60');

    await page.fill('#adjust-form input[name=units]', '45');
    await page.click('#adjust-submit');
    await onHandBecomes(page, eggs, 15);
    await newestIs(page, 'DAMAGE');
    assert.equal(await bar(page, eggs).getAttribute('data-low'), 'true', 'down to 15 the eggs are low');

    await page.selectOption('#alert-level-form select[name=skuId]', milk);
    await page.fill('#alert-level-form input[name=level]', '5');
    await page.click('#alert-level-submit');
    await page.locator(`#stock-board li[data-sku-id="${milk}"][data-low="false"]`).waitFor({ timeout: 10_000 });
    assert.match(await bar(page, milk).textContent() ?? '', /预警线 alert ≤ 5/);

    // The page shows what the ledger holds.
    const staff = await Api.login(core.url, 'warehouse-1');
    const ledger = (await staff.get(`/api/v1/stock/movements?skuId=${eggs}`)).body.movements as { kind: string; qty: number }[];
    assert.deepEqual(ledger.map((m) => [m.kind, m.qty]), [['DAMAGE', -45], ['COUNT', -5], ['RECEIPT', 25], ['INITIAL', 40]]);
    assert.equal(ledger.reduce((n, m) => n + m.qty, 0), 15);
    assert.equal(await page.locator('#ledger-rows tr').count(), 5, 'four movements of the eggs and one of the milk');

    // Confirmation toasts would cover the ledger in the picture.
    await page.evaluate(() => document.getElementById('toasts')?.replaceChildren());
    await page.locator('#ledger-card').scrollIntoViewIfNeeded();
    await page.locator('#ledger-card').screenshot({ path: join(artifacts, 'warehouse-stock-ledger.png') });
    const mobile = await context.newPage();
    await mobile.setViewportSize({ width: 390, height: 844 });
    await mobile.goto(`${core.url}/warehouse.html?${core.rt}`);
    await bar(mobile, eggs).waitFor({ timeout: 30_000 });
    await mobile.locator('#ledger-card').screenshot({ path: join(artifacts, 'warehouse-stock-ledger-mobile.png') });
    await context.close();
    // The one refusal above was the point of that step; anything else is a fault.
    assert.deepEqual(errors.filter((e) => !e.startsWith('409 POST /api/v1/stock/adjustments')), []);
  });
});
