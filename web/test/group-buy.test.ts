// Group buys (开团) in Debian's Chromium against real services: the leader console lists the
// leader's group buys with their progress and opens another from its form; a buyer opens the
// group buy's page, joins and pays, and the progress bar fills to the minimum. Screenshots saved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, shopper, stockProduct } from '../../test-support/api.js';

const artifacts = join(repoRoot, 'test-artifacts');

describe('web group buys', { timeout: 240_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  let skuId = '';

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    // The leader console reads the leader's customers from the leader service.
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { leader: true });
    browser = await launchChromium();
    const product = await stockProduct(core.url, 'leader-1', { name: '车厘子 Cherries', skus: [{ name: '1 kg', listPriceFen: 9900, perBuyerLimit: 0, initialStock: 200 }] });
    skuId = product.skus[0]!.id;
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  it('group buys - the leader sees progress and opens one; a buyer joins, pays and watches the bar reach the minimum', async () => {
    const leader = await Api.login(core.url, 'leader-1');
    const opened = await leader.post('/api/v1/group-buys', { title: '车厘子拼团 Cherries', skuId, warehouseId: 'wh-1', priceFen: 4990, stockCap: 10, minQty: 3, perBuyerLimit: 5, cutoffAt: new Date(Date.now() + 3600_000).toISOString() });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const g = opened.body as { id: string };
    const first = await shopper(core.url, 'buyer-961');
    const placed = await first.post(`/api/v1/group-buys/${g.id}/orders`, { qty: 1 }, { 'idempotency-key': 'web-gb-961' });
    assert.equal((await first.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const errors: string[] = [];
    const console = await context.newPage();
    collectErrors(console, errors);
    await console.goto(`${core.url}/leader.html?leader=leader-1&${core.rt}`);
    const row = `#group-buy-list li[data-group-buy-id="${g.id}"] .group-buy-progress`;
    await waitForOrExplain(console, `${row}[data-joined="1"][data-min="3"][data-percent="33"]`, 15_000, errors);
    assert.match((await console.locator(row).textContent()) ?? '', /还差 2 件成团/);
    // Open another from the form: the leader's own SKU is offered.
    await console.locator('#group-buy-form input[name="title"]').fill('晚市拼团 Evening group buy');
    assert.equal(await console.locator('#group-buy-sku').inputValue(), skuId);
    await console.locator('#open-group-buy').click();
    await console.waitForFunction(() => document.querySelectorAll('#group-buy-list li').length === 2, null, { timeout: 10_000 });
    await console.screenshot({ path: join(artifacts, 'group-buy-leader.png'), fullPage: true });

    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/group-buy.html?id=${g.id}&buyer=buyer-962&${core.rt}`);
    await waitForOrExplain(page, '#group-buy-progress[data-joined="1"][data-status="OPEN"]', 15_000, errors);
    assert.equal(await page.locator('#group-buy-title').textContent(), '车厘子拼团 Cherries');
    await page.locator('#join-qty').fill('2');
    await page.locator('#join').click();
    await waitForOrExplain(page, '#my-order[data-status="PENDING_PAYMENT"]', 10_000, errors);
    await page.locator('#pay').click();
    await waitForOrExplain(page, '#my-order[data-status="PAID"]', 10_000, errors);
    await waitForOrExplain(page, '#group-buy-progress[data-joined="3"][data-percent="100"]', 10_000, errors);
    assert.match((await page.locator('#group-buy-progress').textContent()) ?? '', /已达成团门槛/);
    await page.screenshot({ path: join(artifacts, 'group-buy-buyer.png'), fullPage: true });
    // The leader's list follows (it refreshes on its own).
    await waitForOrExplain(console, `${row}[data-joined="3"][data-percent="100"]`, 15_000, errors);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
