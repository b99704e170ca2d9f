// Phone sign-in in Debian's Chromium against real services, on a gateway with the dev login off
// (as outside development): the shop sends a new buyer to the sign-in page, the code comes from
// the development inbox (the page's dev hint), and the buyer lands back in the shop, signed in,
// and orders, over tabs racing to renew short tokens; signing out everywhere on another device
// sends them back to the sign-in page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { parseConfig } from '@lc/kit';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { freePort, repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, stockProduct } from '../../test-support/api.js';
import { configShape as gatewayShape } from '../../services/gateway/src/config.js';
import { startGateway } from '../../services/gateway/src/service.js';

const artifacts = join(repoRoot, 'test-artifacts');

describe('web sign-in', { timeout: 180_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let noDevLogin: Awaited<ReturnType<typeof startGateway>>;
  let base = '';
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  let eggs = '';

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    // A second gateway on the same services and identity schema, with the dev login off; its pages
    // find the live room's inbox (the bell) through GET /api/v1/config, as in production.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { liveRoom: { CORS_ORIGINS: base } });
    noDevLogin = await startGateway(
      parseConfig(gatewayShape, {
        ...iso.env('gateway'),
        INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
        ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
        FULFILLMENT_ADDR: `127.0.0.1:${core.fulfillment!.runtime.grpcPort}`,
        LIVE_ROOM_ADDR: core.liveRoomGrpc,
        LIVE_ROOM_PUBLIC_URL: core.liveRoomUrl,
        HTTP_PORT: String(port),
        WEB_DIR: web.dir,
        DEV_LOGIN: 'false',
        // Pages renew a token with under a minute left: at 62 s nearly every call renews, so
        // parallel calls and tabs race for the one-use refresh token.
        ACCESS_TOKEN_TTL_SECONDS: '62',
      }),
    );
    browser = await launchChromium();
    const product = await stockProduct(core.url, 'leader-1', { name: '农家早餐 Farm breakfast', skus: [{ name: '土鸡蛋 30 eggs', listPriceFen: 2590, perBuyerLimit: 2, initialStock: 5 }] });
    eggs = product.skus[0]!.id;
  });
  after(async () => {
    await browser?.close();
    await noDevLogin?.runtime.stop();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  it('sign-in - a new buyer signs in with the code from the development inbox and orders in the shop; signing out everywhere ends it', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', geolocation: { latitude: 31.2304, longitude: 121.4737 }, permissions: ['geolocation'] });
    const page = await context.newPage();
    const errors: string[] = [];
    collectErrors(page, errors);
    assert.equal((await new Api(base).post('/api/v1/auth/dev-login', { userId: 'buyer-1' })).status, 403, 'the dev login is off here');

    await page.goto(`${base}/shop.html`);
    await page.waitForURL(/\/signin\.html\?next=%2Fshop\.html/, { timeout: 15_000 });
    const phone = `137${String(Date.now()).slice(-8)}`;
    await page.locator('#phone').fill(`${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`);
    await page.locator('#send-code').click();
    await waitForOrExplain(page, '#dev-hint:not([hidden])', 10_000, errors);
    const shown = await page.locator('#dev-hint').getAttribute('data-code');
    // The hint shows what the development inbox holds for this phone.
    const inbox = await new Api(base).get(`/api/v1/auth/dev-inbox?phone=${phone}`);
    assert.equal(/\b([0-9]{6})\b/.exec(inbox.body.messages[0].body)?.[1], shown);
    await page.screenshot({ path: join(artifacts, 'sign-in-code.png'), fullPage: true });

    await page.locator('#code').fill(shown!);
    await page.locator('#sign-in').click();
    await page.waitForURL(/\/shop\.html$/, { timeout: 15_000 });
    await waitForOrExplain(page, `#products li.sku[data-sku-id="${eggs}"]`, 15_000, errors);
    assert.equal(await page.locator('#who').textContent(), `买家 ${phone.slice(-4)}`);
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem('lc.phoneSession') ?? 'null'));
    assert.equal(session.user.role, 'buyer');
    assert.match(session.user.id, /^buyer-/);

    // A new buyer has no pickup point yet: the nearest is chosen before ordering.
    await page.locator('.pickup-picker .current-point', { hasText: '还没有自提点' }).waitFor({ timeout: 10_000 });
    await page.locator('button.locate').click();
    await waitForOrExplain(page, 'li.point[data-point-id="pp-leader-1"]', 10_000, errors);
    await page.locator('li.point[data-point-id="pp-leader-1"] button.choose-point').click();
    await page.waitForFunction(() => document.querySelector('.pickup-picker')?.getAttribute('data-point-id') === 'pp-leader-1');
    const eggRow = page.locator(`#products li.sku[data-sku-id="${eggs}"]`);
    await eggRow.locator('button.buy-sku').click();
    const order = page.locator('#orders .order').first();
    await waitForOrExplain(page, '#orders .order', 10_000, errors);
    assert.equal(await order.getAttribute('data-status'), 'PENDING_PAYMENT');
    await page.screenshot({ path: join(artifacts, 'sign-in-shop.png'), fullPage: true });
    // Two more tabs load at once beside the open one, each renewing the short token: one refresh at
    // a time, the others adopt it, so no refresh token is used twice (which would revoke the
    // session). The first tab is reloaded once they have settled (a reload that aborts a refresh in
    // flight is covered by the gateway's reuse grace, tested in services/gateway/test/sign-in).
    await page.waitForTimeout(2500);
    const tabs = await Promise.all([context.newPage(), context.newPage()]);
    for (const tab of tabs) collectErrors(tab, errors);
    await Promise.all(tabs.map((tab) => tab.goto(`${base}/shop.html`)));
    for (const tab of tabs) await waitForOrExplain(tab, '#orders .order', 15_000, errors);
    await page.reload();
    for (const tab of [page, ...tabs]) {
      await waitForOrExplain(tab, '#orders .order', 15_000, errors);
      assert.match(tab.url(), /\/shop\.html$/);
    }
    const latest = await page.evaluate(() => JSON.parse(localStorage.getItem('lc.phoneSession') ?? 'null'));
    assert.notEqual(latest.refreshToken, session.refreshToken, 'the session was renewed');
    // The order is the phone user's, and the renewed session is alive.
    const mine = await new Api(base, latest.token).get('/api/v1/orders');
    assert.deepEqual(mine.body.orders.map((o: { skuId: string }) => o.skuId), [eggs]);
    for (const tab of tabs) await tab.close();

    // The same person on a second device signs out everywhere; the first device's next call is
    // refused, its renewal too, and it lands on the sign-in page.
    const now = await page.evaluate(() => JSON.parse(localStorage.getItem('lc.phoneSession') ?? 'null'));
    const device = await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const other = await device.newPage();
    const otherErrors: string[] = [];
    collectErrors(other, otherErrors);
    await other.goto(`${base}/signin.html`);
    await other.locator('#phone').fill(phone);
    await other.locator('#send-code').click();
    await waitForOrExplain(other, '#dev-hint:not([hidden])', 10_000, otherErrors);
    await other.locator('#code').fill((await other.locator('#dev-hint').getAttribute('data-code'))!);
    await other.locator('#sign-in').click();
    await other.waitForURL(/\/shop\.html$/, { timeout: 15_000 });
    await other.goto(`${base}/signin.html`);
    await waitForOrExplain(other, '#signed-in:not([hidden])', 10_000, otherErrors);
    assert.match((await other.locator('#signed-in-as').textContent()) ?? '', new RegExp(`买家 ${phone.slice(-4)}`));
    await other.screenshot({ path: join(artifacts, 'sign-in-signed-in.png'), fullPage: true });
    await other.locator('#sign-out-everywhere').click();
    await waitForOrExplain(other, '.toast', 10_000, otherErrors);
    assert.ok(await other.locator('#signed-in').isHidden());
    assert.deepEqual(otherErrors, []);
    await device.close();

    assert.equal((await new Api(base, now.token).get('/api/v1/me')).status, 401, 'the first device’s access token is refused');
    // The inbox bell's own calls may find out first; otherwise the buyer's next click does.
    const signInPage = /\/signin\.html\?next=%2Fshop\.html/;
    await page.waitForURL(signInPage, { timeout: 3000 }).catch(async () => {
      await page.locator('#refresh').click();
      await page.waitForURL(signInPage, { timeout: 15_000 });
    });
    assert.equal(await page.evaluate(() => localStorage.getItem('lc.phoneSession')), null, 'the dead session is forgotten');
    assert.ok(errors.length > 0 && errors.every((e) => /^401 (GET \/api\/v1\/(products|notifications\S*)|POST \/api\/v1\/auth\/refresh)$/.test(e)), JSON.stringify(errors));
    await context.close();
  });
});
