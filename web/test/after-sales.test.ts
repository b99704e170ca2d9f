// The after-sales page in Debian's Chromium against real services: a buyer requests after-sales on
// a paid order with a photo, the order's leader answers from the queue and refunds part of it
// through the provider, and the buyer sees the answer and the refund. Screenshots are saved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, shareToken, stockProduct } from '../../test-support/api.js';
import { poll } from '../../test-support/poll.js';

const artifacts = join(repoRoot, 'test-artifacts');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

describe('web after-sales', { timeout: 180_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  let orderId = '';
  let skuId = '';

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    // Every page carries the inbox bell, served by live-room (reached through `rt=`).
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir });
    browser = await launchChromium();
    const staff = await Api.login(core.url, 'warehouse-1');
    const wh = await staff.post('/api/v1/warehouses', { id: 'wh-1', name: '上海仓', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', driverIds: ['driver-1'], vehicles: [{ id: 'van-1', capacity: 50, driverId: 'driver-1' }] });
    assert.equal(wh.status, 201, JSON.stringify(wh.body));
    const product = await stockProduct(core.url, 'leader-1', { name: '草莓 strawberries', skus: [{ name: '1 kg', listPriceFen: 4990, perBuyerLimit: 0, initialStock: 20 }] });
    const buyer = await Api.login(core.url, 'buyer-801');
    const placed = await buyer.post('/api/v1/orders', { skuId: product.skus[0]!.id, qty: 2, shareToken: await shareToken(core.url, 'leader-1') }, { 'idempotency-key': 'strawberries' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    orderId = placed.body.id;
    skuId = product.skus[0]!.id;
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  it('after-sales page - a request with a photo is answered by the leader and refunded, and the buyer sees both', async () => {
    const errors: string[] = [];
    const buyerContext = await browser.newContext({ viewport: { width: 400, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const buyerPage = await buyerContext.newPage();
    collectErrors(buyerPage, errors);
    await buyerPage.goto(`${core.url}/after-sales.html?orderId=${orderId}&buyer=buyer-801&${core.rt}`);
    await waitForOrExplain(buyerPage, '#request:not(.hidden)', 10_000, errors);
    // A photo as a phone would take one: drawn in the page, encoded as PNG.
    const photo = Buffer.from(
      await buyerPage.evaluate(() => {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#f4c2c2';
        g.fillRect(0, 0, 320, 240);
        g.fillStyle = '#c0392b';
        for (const [x, y] of [[80, 90], [160, 140], [240, 100]] as const) {
          g.beginPath();
          g.arc(x, y, 40, 0, Math.PI * 2);
          g.fill();
        }
        return canvas.toDataURL('image/png').split(',')[1]!;
      }),
      'base64',
    );
    await buyerPage.selectOption('#kind', 'DAMAGED');
    await buyerPage.fill('#text', '草莓压坏了一盒 one box of strawberries arrived crushed');
    await buyerPage.setInputFiles('#photos', { name: 'crushed.png', mimeType: 'image/png', buffer: photo });
    await buyerPage.click('#submit-request');
    await waitForOrExplain(buyerPage, '.case[data-status="OPEN"] img.case-photo', 10_000, errors);
    assert.ok(await buyerPage.locator('#request').evaluate((el) => el.classList.contains('hidden')), 'one open request per order: the form is gone');
    await screenshot(buyerPage, 'after-sales-buyer-request.png');

    const leaderContext = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const leaderPage = await leaderContext.newPage();
    collectErrors(leaderPage, errors);
    await leaderPage.goto(`${core.url}/after-sales.html?as=leader-1&${core.rt}`);
    const card = leaderPage.locator('.case[data-status="OPEN"]');
    await waitForOrExplain(leaderPage, '.case[data-status="OPEN"] img.case-photo', 10_000, errors);
    const caseId = await card.getAttribute('data-case-id');
    await card.locator('.answer-form input[name="text"]').fill('抱歉！退您一盒的钱 Sorry! Refunding one box');
    await card.locator('.answer-form button').click();
    const answered = leaderPage.locator(`.case[data-case-id="${caseId}"][data-status="ANSWERED"]`);
    await waitForOrExplain(leaderPage, `.case[data-case-id="${caseId}"][data-status="ANSWERED"]`, 10_000, errors);
    assert.equal(await answered.locator('.resolve-form input[name="refund"]').inputValue(), '99.80', 'the whole payment is offered');
    await answered.locator('.resolve-form input[name="refund"]').fill('49.90');
    await answered.locator('.resolve-form input[name="note"]').fill('退一盒 one box refunded');
    await answered.locator('.resolve-form button').click();
    await waitForOrExplain(leaderPage, `.case[data-case-id="${caseId}"][data-status="RESOLVED"] .refunded`, 10_000, errors);
    await screenshot(leaderPage, 'after-sales-queue.png');

    await buyerPage.click('#refresh');
    await waitForOrExplain(buyerPage, '.case[data-status="RESOLVED"] .refunded', 10_000, errors);
    const text = (await buyerPage.locator('.case').textContent()) ?? '';
    assert.match(text, /已退款 Refunded ¥49\.90/);
    assert.match(text, /团长 Leader: 抱歉！退您一盒的钱/);
    // The answer and the refund reach the buyer's bell on this page, pushed while it is open.
    await buyerPage.waitForFunction(() => Number(document.querySelector('#inbox-bell')?.getAttribute('data-unread')) >= 2, undefined, { timeout: 15_000 });
    await buyerPage.locator('#inbox-bell').click();
    for (const kind of ['AFTER_SALES_ANSWERED', 'REFUND_ISSUED']) await waitForOrExplain(buyerPage, `#inbox-panel li[data-kind="${kind}"]`, 10_000, errors);
    await screenshot(buyerPage, 'after-sales-buyer-refunded.png');

    // The refund reached the provider and settled; the order keeps going (a partial refund).
    const seen = await (await Api.login(core.url, 'buyer-801')).get(`/api/v1/after-sales/${caseId}`);
    assert.deepEqual([seen.body.refundFen, seen.body.refundStatus, seen.body.refundableFen, seen.body.orderStatus], [4990, 'SUCCEEDED', 4990, 'PAID']);
    assert.deepEqual(errors, []);
    await buyerContext.close();
    await leaderContext.close();
  });

  it('pickup page - the leader marks a unit missing at receipt; it is refunded automatically and the buyer sees the case', async () => {
    const buyer = await Api.login(core.url, 'buyer-802');
    const placed = await buyer.post('/api/v1/orders', { skuId, qty: 2, shareToken: await shareToken(core.url, 'leader-1') }, { 'idempotency-key': 'two-boxes' });
    assert.equal((await buyer.post(`/api/v1/orders/${placed.body.id}/pay`)).body.status, 'PAID');
    // The warehouse and the driver bring it to the pickup point.
    const staff = await Api.login(core.url, 'warehouse-1');
    const wave = await poll('the order in a wave', async () => (await staff.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.find((w: { orderCount: number }) => w.orderCount >= 2));
    assert.equal((await staff.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate })).status, 200);
    for (const l of (await staff.get(`/api/v1/waves/${wave.id}/pick-lists`)).body.pickLists) for (const b of l.bags) assert.equal((await staff.post(`/api/v1/bags/${b.id}/packed`)).status, 200);
    const plan = await staff.post(`/api/v1/waves/${wave.id}/routes`, { timeLimitMs: 500, wait: true });
    const route = plan.body.routes[0];
    assert.equal((await staff.post(`/api/v1/routes/${route.id}/dispatch`)).status, 200);
    const driver = await Api.login(core.url, 'driver-1');
    const stopId = route.stops[0].id;
    assert.equal((await driver.post(`/api/v1/stops/${stopId}/arrived`)).status, 200);
    assert.equal((await driver.post(`/api/v1/stops/${stopId}/handed-over`, {})).status, 200);

    const errors: string[] = [];
    const context = await browser.newContext({ viewport: { width: 400, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/pickup.html?leader=leader-1&${core.rt}`);
    await waitForOrExplain(page, `#parcels input.missing[data-order-id="${placed.body.id}"]`, 10_000, errors);
    await page.fill(`#parcels input.missing[data-order-id="${placed.body.id}"]`, '1');
    await page.click(`#receipts button.receive[data-stop-id="${stopId}"]`);
    const shortage = await poll('the shortage case', async () => {
      const cases = (await buyer.get(`/api/v1/after-sales?orderId=${placed.body.id}`)).body.cases;
      return cases[0]?.refundStatus === 'SUCCEEDED' ? cases[0] : undefined;
    }, 30_000);
    assert.deepEqual([shortage.kind, shortage.openedBy, shortage.status, shortage.refundFen], ['MISSING', 'shortage', 'RESOLVED', 4990]);

    await page.goto(`${core.url}/after-sales.html?orderId=${placed.body.id}&buyer=buyer-802&${core.rt}`);
    await waitForOrExplain(page, '.case[data-status="RESOLVED"] .refunded', 10_000, errors);
    assert.match((await page.locator('.case').textContent()) ?? '', /缺件 Missing item[\s\S]*已退款 Refunded ¥49\.90/);
    await screenshot(page, 'after-sales-shortage.png');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
