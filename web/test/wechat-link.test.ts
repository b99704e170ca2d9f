// Linking WeChat from "My orders", in Debian's Chromium against real services: the buyer taps
// 关联微信, the browser goes to WeChat's authorize page (played by a route that answers as WeChat
// does for snsapi_base: straight back to redirect_uri with a one-time code and the state), the
// page finishes the link with the gateway, which exchanges the code at the local WeChat server
// (test-support/wechat-server), shows the link, and unlinks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { freePort, repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api } from '../../test-support/api.js';
import { startWeChatServer, type WeChatServer } from '../../test-support/wechat-server.js';

const artifacts = join(repoRoot, 'test-artifacts');
const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'test-wechat-app-secret-0123456789abcdef';
const BUYER = 'buyer-961';

describe('web WeChat link', { timeout: 240_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let wechat: WeChatServer;
  let web: ReturnType<typeof buildWeb> | undefined;
  let ordersPage = '';

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    wechat = await startWeChatServer({ appId: APP_ID, appSecret: APP_SECRET, templateId: 'tmpl_unused_here' });
    // The page WeChat returns to is registered before the gateway starts, so its ports are chosen first.
    const [gatewayPort, roomPort] = [await freePort(), await freePort()];
    ordersPage = `http://127.0.0.1:${gatewayPort}/orders.html?buyer=${BUYER}&rt=${encodeURIComponent(`http://127.0.0.1:${roomPort}`)}`;
    core = await startCoreWithInbox(
      iso,
      { WEB_DIR: web.dir, HTTP_PORT: String(gatewayPort), WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET, WECHAT_API_BASE: wechat.base, WECHAT_OAUTH_REDIRECT_URL: ordersPage },
      { liveRoom: { HTTP_PORT: String(roomPort) } },
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await wechat?.close();
    await iso.cleanup();
    web?.remove();
  });

  it('wechat link - a buyer links WeChat from My orders through WeChat’s authorize page, sees it linked, and unlinks', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const openid = 'o_browser_buyer_961';
    const visits: URL[] = [];
    await context.route('https://open.weixin.qq.com/**', async (route) => {
      const asked = new URL(route.request().url());
      visits.push(asked);
      const back = new URL(asked.searchParams.get('redirect_uri')!);
      back.searchParams.set('code', wechat.authorize(openid));
      back.searchParams.set('state', asked.searchParams.get('state')!);
      await route.fulfill({ status: 302, headers: { location: back.toString() } });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    collectErrors(page, errors);

    await page.goto(ordersPage);
    await waitForOrExplain(page, '.wechat-link[data-linked="false"] button.link-wechat', 10_000, errors);
    await page.locator('button.link-wechat').click();
    await waitForOrExplain(page, '.wechat-link[data-linked="true"] button.unlink-wechat', 10_000, errors);
    assert.equal(visits.length, 1);
    assert.deepEqual([visits[0]!.searchParams.get('appid'), visits[0]!.searchParams.get('scope')], [APP_ID, 'snsapi_base']);
    const shown = new URL(page.url());
    assert.deepEqual([shown.searchParams.get('code'), shown.searchParams.get('state')], [null, null], 'the used code leaves the address bar');
    assert.match(await page.locator('.wechat-link .linked').innerText(), /已关联微信 Linked/);
    await page.screenshot({ path: join(artifacts, 'wechat-link.png'), fullPage: true });

    const api = await Api.login(core.url, BUYER);
    assert.equal((await api.get('/api/v1/me/wechat')).body.linked, true);
    const contacts = await core.gateway.identity.contactsOf([BUYER]);
    assert.deepEqual(contacts, [{ userId: BUYER, phone: '', wechatOpenid: openid }]);

    // A reload keeps the link and posts nothing again.
    await page.reload();
    await waitForOrExplain(page, '.wechat-link[data-linked="true"]', 10_000, errors);
    await page.locator('button.unlink-wechat').click();
    await waitForOrExplain(page, '.wechat-link[data-linked="false"] button.link-wechat', 10_000, errors);
    assert.deepEqual(await core.gateway.identity.contactsOf([BUYER]), []);
    assert.deepEqual(errors, []);
    wechat.assertClean();
    await context.close();
  });
});
