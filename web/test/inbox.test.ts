// The inbox bell in Debian's Chromium against real services: a notice published on the test's own
// stream appears live on a page that is not the live room (the shop), with the unread count; a
// read in one tab reaches the user's other tab; another user's page hears nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { repoRoot } from '../../test-support/platform.js';

const artifacts = join(repoRoot, 'test-artifacts');

describe('web inbox', { timeout: 180_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  const count = (page: Page) => page.locator('#inbox-bell').getAttribute('data-unread');
  const publish = (subject: string, payload: unknown) => core.order.runtime.bus!.publish(subject, payload, randomUUID());
  const order = (buyerId: string, extra: Record<string, unknown> = {}) => ({
    orderId: randomUUID(), buyerId, leaderId: 'leader-1', liveSessionId: '', flashSaleId: '', skuId: 'sku-x', warehouseId: 'wh-1', qty: 2, totalFen: 5180, status: 'PAID', atMs: Date.now(), ...extra,
  });

  it('inbox - a notice appears live on the shop page with its unread count; reads follow across tabs; nobody else hears it', async () => {
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const errors: string[] = [];
    const open = async (path: string) => {
      const page = await context.newPage();
      collectErrors(page, errors);
      await page.goto(`${core.url}${path}${path.includes('?') ? '&' : '?'}${core.rt}`);
      // Listed, and listening on the socket.
      await waitForOrExplain(page, '#inbox-bell[data-unread][data-live="on"]', 10_000, errors);
      return page;
    };
    const shop = await open('/shop.html?buyer=buyer-960');
    const otherTab = await open('/shop.html?buyer=buyer-960');
    const someoneElse = await open('/shop.html?buyer=buyer-961');
    const landing = await open('/index.html?buyer=buyer-962');
    assert.equal(await count(shop), '0');
    assert.ok(await shop.locator('#inbox-count').isHidden(), 'no badge without unread notices');

    const paid = order('buyer-960');
    await publish('order.paid', paid);
    await shop.locator('.toast', { hasText: '支付成功 Payment received' }).waitFor({ timeout: 15_000 });
    await shop.waitForFunction(() => document.querySelector('#inbox-count')?.textContent === '1');
    await publish('order.partially_refunded', { ...paid, refundId: 'rf-960', refundFen: 2590, cause: 'damaged', caseId: 'case-960' });
    await shop.waitForFunction(() => document.querySelector('#inbox-count')?.textContent === '2', undefined, { timeout: 15_000 });
    await otherTab.waitForFunction(() => document.querySelector('#inbox-count')?.textContent === '2', undefined, { timeout: 15_000 });

    await shop.locator('#inbox-bell').click();
    const items = shop.locator('#inbox-list li[data-notice-id]');
    await items.first().waitFor();
    assert.deepEqual(await items.evaluateAll((li) => li.map((e) => e.getAttribute('data-kind'))), ['REFUND_ISSUED', 'ORDER_PAID']);
    assert.match((await items.first().textContent()) ?? '', /退款已发起 Refund issued.*¥25\.90/);
    await shop.screenshot({ path: join(artifacts, 'inbox-live-push.png') });

    // Reading one here lowers the count in the other tab too, live.
    await items.first().click();
    await shop.waitForFunction(() => document.querySelector('#inbox-count')?.textContent === '1');
    await otherTab.waitForFunction(() => document.querySelector('#inbox-count')?.textContent === '1', undefined, { timeout: 15_000 });
    await shop.locator('#inbox-read-all').click();
    await otherTab.waitForFunction(() => document.querySelector('#inbox-bell')?.getAttribute('data-unread') === '0', undefined, { timeout: 15_000 });
    assert.ok(await shop.locator('#inbox-count').isHidden());

    // buyer-961 and buyer-962 were told nothing, and their lists hold nothing of buyer-960's.
    for (const page of [someoneElse, landing]) {
      assert.equal(await count(page), '0');
      assert.equal(await page.locator('.toast', { hasText: 'Payment received' }).count(), 0);
      await page.locator('#inbox-bell').click();
      await page.locator('#inbox-list li', { hasText: '暂无通知 No notifications yet' }).waitFor();
    }
    assert.deepEqual(errors, [], 'no errors on any page');
    await context.close();
  });
});
