// The buyer's journey after paying, in Debian's Chromium against real services: a buyer with no
// leader finds the pickup points near them (geolocation), chooses one, orders at list price and
// pays in the shop, follows the order on "My orders" to "ready for pickup" with the point's pin,
// the pickup code and its QR code; the leader's pickup page reads that QR through the camera
// (Chromium's fake camera playing it) and hands the parcel over, a photo of it is then refused as
// used, and the order ends picked up. Another buyer's page shows none of it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, stockProduct } from '../../test-support/api.js';
import { deliverWave, waveWithOrders } from '../../test-support/delivery.js';

const artifacts = join(repoRoot, 'test-artifacts');
const HOME = { latitude: 31.2401, longitude: 121.5002 };

describe('web my orders', { timeout: 240_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let cameraBrowser: Browser | undefined;
  let eggs = '';
  let web: ReturnType<typeof buildWeb> | undefined;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    // Every page carries the inbox bell, served by live-room (reached through `rt=`).
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir });
    browser = await launchChromium();
    const product = await stockProduct(core.url, 'leader-1', { name: '土鸡蛋 Farm eggs', skus: [{ name: '30 pcs', listPriceFen: 2590, perBuyerLimit: 3, initialStock: 10 }] });
    eggs = product.skus[0]!.id;
    const staff = await Api.login(core.url, 'warehouse-1');
    const point = await staff.post('/api/v1/pickup-points', { id: 'pp-home', leaderId: 'leader-2', warehouseId: 'wh-1', name: '幸福小区自提点 Happy Estate', lat: 31.2405, lng: 121.5004, opensAt: '09:00', closesAt: '21:00' });
    assert.equal(point.status, 201, JSON.stringify(point.body));
  });
  after(async () => {
    await browser?.close();
    await cameraBrowser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  it('my orders - a buyer picks a point, orders at list price, follows the parcel to the QR code; the leader scans it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', geolocation: HOME, permissions: ['geolocation'] });
    const page = await context.newPage();
    const errors: string[] = [];
    collectErrors(page, errors);

    // Shop: no point yet; the nearest ones are listed from the device's location; choose one.
    await page.goto(`${core.url}/shop.html?buyer=buyer-960&${core.rt}`);
    await waitForOrExplain(page, `#products li.sku[data-sku-id="${eggs}"]`, 10_000, errors);
    await page.locator('.pickup-picker .current-point', { hasText: '还没有自提点' }).waitFor({ timeout: 10_000 });
    await page.locator('button.locate').click();
    await waitForOrExplain(page, 'li.point[data-point-id="pp-home"]', 10_000, errors);
    assert.deepEqual(await page.locator('li.point').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.pointId)), ['pp-home', 'pp-leader-1'], 'nearest first');
    assert.match((await page.locator('li.point[data-point-id="pp-home"]').textContent()) ?? '', /09:00–21:00.*还可收 200 件/);
    await page.locator('li.point[data-point-id="pp-home"] button.choose-point').click();
    await page.waitForFunction(() => document.querySelector('.pickup-picker')?.getAttribute('data-point-id') === 'pp-home');
    await page.screenshot({ path: join(artifacts, 'my-orders-choose-point.png'), fullPage: true });

    await page.locator(`li.sku[data-sku-id="${eggs}"] button.buy-sku`).click();
    const card = page.locator('#orders .order').first();
    await card.waitFor({ timeout: 10_000 });
    assert.match((await card.locator('.total').textContent()) ?? '', /¥25\.90/, 'the list price');
    await card.locator('button.pay').click();
    await page.waitForFunction(() => document.querySelector('#orders .order')?.getAttribute('data-status') === 'PAID', null, { timeout: 10_000 });
    const orderId = (await card.getAttribute('data-order-id'))!;

    // My orders: the paid order, where it goes (pin), and the after-sales link.
    await page.goto(`${core.url}/orders.html?buyer=buyer-960&${core.rt}`);
    const mine = page.locator(`#orders .order[data-order-id="${orderId}"]`);
    await waitForOrExplain(page, `#orders .order[data-order-id="${orderId}"] .parcel-point[data-point-id="pp-home"] svg .pin`, 10_000, errors);
    assert.equal(await mine.getAttribute('data-status'), 'PAID');
    // The point has no street address: its line leaves that piece out rather than showing "· ·".
    assert.equal(await mine.locator('.parcel-point .muted').textContent(), '幸福小区自提点 Happy Estate · 09:00–21:00');
    assert.equal(await mine.locator('a.after-sales').getAttribute('href'), `/after-sales.html?orderId=${orderId}`);
    assert.equal(await mine.locator('canvas.pickup-qr').count(), 0, 'no code before the parcel is there');

    // The delivery day runs (staff and driver through the API); the page follows by itself.
    const wave = await waveWithOrders(core.url, 'wh-1', (w) => w.orderCount === 1);
    await deliverWave(core.url, 'wh-1', wave.deliveryDate);
    await page.waitForFunction((id) => document.querySelector(`.order[data-order-id="${id}"]`)?.getAttribute('data-status') === 'READY_FOR_PICKUP', orderId, { timeout: 20_000 });
    await mine.locator('canvas.pickup-qr').waitFor({ timeout: 10_000 });
    const buyer = await Api.login(core.url, 'buyer-960');
    const code = ((await buyer.get('/api/v1/pickup-codes')).body.codes as { orderId: string; code: string }[]).find((c) => c.orderId === orderId)!.code;
    assert.equal((await mine.locator('.pickup-code').textContent())?.trim(), code);
    assert.deepEqual(
      await mine.locator('ol.timeline li.done').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.step)),
      ['PENDING_PAYMENT', 'PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP'],
    );
    assert.match((await mine.locator('ol.timeline').textContent()) ?? '', /已支付.*已打包.*配送中.*待取货.*已完成/);
    await page.screenshot({ path: join(artifacts, 'my-orders-ready.png'), fullPage: true });
    // The parcel's notices pop up as toasts over the page for a few seconds; the buyer shows the
    // code once they are gone (a photo with a toast across the QR cannot be read).
    await page.waitForFunction(() => !document.querySelector('#toasts .toast'), undefined, { timeout: 15_000 });
    const qrPhoto = join(artifacts, 'my-orders-qr.png');
    await mine.locator('canvas.pickup-qr').screenshot({ path: qrPhoto });

    // The leader's phone camera sees the buyer's QR code: Chromium's fake camera plays a frame of it.
    const qrDataUrl = await mine.locator('canvas.pickup-qr').evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const framePage = await context.newPage();
    await framePage.setViewportSize({ width: 640, height: 480 });
    await framePage.setContent(`<body style="margin:0;background:#fff;display:grid;place-items:center;height:480px"><img src="${qrDataUrl}" style="width:360px"></body>`);
    const frame = await framePage.screenshot({ type: 'jpeg', quality: 90 });
    await framePage.close();
    const camera = join(artifacts, 'my-orders-camera.mjpeg');
    writeFileSync(camera, Buffer.concat(Array.from({ length: 10 }, () => frame)));
    cameraBrowser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);

    // The leader's pickup page: a wrong typed code is refused; the camera reads the QR and the
    // parcel is handed over; the same QR from a photo is then refused as already used.
    const leaderPage = await (await cameraBrowser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })).newPage();
    const leaderErrors: string[] = [];
    collectErrors(leaderPage, leaderErrors);
    await leaderPage.goto(`${core.url}/pickup.html?leader=leader-2&${core.rt}`);
    await leaderPage.locator('#parcels tr[data-bag-id]').waitFor({ timeout: 10_000 });
    await leaderPage.fill('#pickup-code', code === '000000' ? '000001' : '000000');
    await leaderPage.locator('#verify-form button[type=submit]').click();
    await leaderPage.waitForFunction(() => document.querySelector('#verify-result')?.getAttribute('data-outcome') === 'refused');
    await leaderPage.locator('#scan-camera').click();
    await leaderPage.waitForFunction(() => document.querySelector('#verify-result')?.getAttribute('data-outcome') === 'ok', null, { timeout: 20_000 });
    assert.equal(await leaderPage.inputValue('#pickup-code'), '', 'the scanned code was verified and cleared');
    await leaderPage.locator('#parcels tr[data-status="PICKED_UP"]').waitFor({ timeout: 10_000 });
    await leaderPage.screenshot({ path: join(artifacts, 'my-orders-leader-scanned.png'), fullPage: true });
    await leaderPage.setInputFiles('#scan-photo', qrPhoto);
    await leaderPage.waitForFunction(() => document.querySelector('#verify-result')?.getAttribute('data-outcome') === 'refused', null, { timeout: 20_000 });
    assert.equal(await leaderPage.inputValue('#pickup-code'), code, 'the photo was read');
    assert.match((await leaderPage.textContent('#verify-result')) ?? '', /already been picked up/);
    assert.deepEqual(leaderErrors, ['404 POST /api/v1/pickups/verify', '409 POST /api/v1/pickups/verify'], 'only the wrong and the used code failed');

    await page.waitForFunction((id) => document.querySelector(`.order[data-order-id="${id}"]`)?.getAttribute('data-status') === 'PICKED_UP', orderId, { timeout: 20_000 });
    assert.equal(await mine.locator('canvas.pickup-qr').count(), 0, 'the code is gone once used');
    await page.screenshot({ path: join(artifacts, 'my-orders-picked-up.png'), fullPage: true });
    assert.deepEqual(errors, []);

    // Another buyer's "My orders" shows none of this.
    const other = await context.newPage();
    await other.goto(`${core.url}/orders.html?buyer=buyer-961&${core.rt}`);
    await other.locator('#orders p.muted', { hasText: '还没有订单' }).waitFor({ timeout: 10_000 });
    assert.equal(await other.locator('#orders .order').count(), 0);
    await context.close();
  });
});
