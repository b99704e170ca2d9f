// A leader's share link in Debian's Chromium against the real services: the buyer opens the link,
// orders in the shop and is told they joined; "我的团长" shows the leader and pickup point (shop and
// my orders); a forged link joins nobody and says so; the leader's console lists the customer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium } from '../../test-support/browser.js';
import { repoRoot } from '../../test-support/platform.js';
import { startCoreWithInbox } from '../../test-support/live-room-browser.js';
import { Api, servedLeader, stockProduct } from '../../test-support/api.js';
import { poll } from '../../test-support/poll.js';

const artifacts = join(repoRoot, 'test-artifacts');

describe('web share link', { timeout: 180_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCoreWithInbox>>;
  let browser: Browser;
  let eggs = '';
  let web: ReturnType<typeof buildWeb> | undefined;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    core = await startCoreWithInbox(iso, { WEB_DIR: web.dir }, { leader: true });
    browser = await launchChromium();
    await servedLeader(core.url, 'leader-2');
    const product = await stockProduct(core.url, 'leader-1', { name: '土鸡蛋 Free-range eggs', skus: [{ name: '30 eggs', listPriceFen: 3590, perBuyerLimit: 10, initialStock: 50 }] });
    eggs = product.skus[0]!.id;
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  async function open(path: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    collectErrors(page, errors);
    await page.goto(`${core.url}${path}${path.includes('?') ? '&' : '?'}${core.rt}`);
    return { page, errors };
  }
  const buy = async (page: Page) => {
    const row = page.locator(`#products li.sku[data-sku-id="${eggs}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.locator('button.buy-sku').click();
    await page.locator('#orders .order').first().waitFor({ timeout: 10_000 });
  };

  it('share link - a buyer joins the leader through their link; 我的团长 shows them; a forged link joins nobody; the leader sees the customer', async () => {
    const leader = await Api.login(core.url, 'leader-2');
    const link = await leader.post('/api/v1/leader/share-links', {});
    assert.equal(link.status, 201, JSON.stringify(link.body));

    // The buyer opens the link: no leader yet; one order and they belong to leader-2.
    const { page, errors } = await open(`${link.body.url}&buyer=buyer-960`);
    const mine = page.locator('section.my-leader');
    await mine.locator('.none').waitFor({ timeout: 15_000 });
    await buy(page);
    await page.locator('.toast', { hasText: '已加入团长的团' }).waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('section.my-leader')?.getAttribute('data-leader-id') === 'leader-2', null, { timeout: 10_000 });
    assert.match((await mine.locator('.pickup').textContent()) ?? '', /leader-2 自提点/);
    await page.locator('#orders .order button.pay').first().click();
    await page.waitForFunction(() => document.querySelector('#orders .order')?.getAttribute('data-status') === 'PAID', null, { timeout: 10_000 });
    await page.screenshot({ path: join(artifacts, 'share-link-shop.png'), fullPage: true });

    // My orders shows the same leader, the link long forgotten.
    const orders = await open('/orders.html?buyer=buyer-960');
    await orders.page.waitForFunction(() => document.querySelector('section.my-leader')?.getAttribute('data-leader-id') === 'leader-2', null, { timeout: 15_000 });
    assert.match((await orders.page.locator('section.my-leader .leader-name').textContent()) ?? '', /\S/);

    // A forged link: the order still goes through, to the buyer's own point, and nobody is joined.
    const other = await Api.login(core.url, 'buyer-961');
    assert.equal((await other.request('PUT', '/api/v1/me/pickup-point', { pickupPointId: 'pp-leader-1' })).status, 200);
    const [h, p, s] = String(link.body.token).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'leader-1' })).toString('base64url')}.${s}`;
    const fake = await open(`/shop.html?share=${forged}&buyer=buyer-961`);
    await buy(fake.page);
    await fake.page.locator('.toast.error', { hasText: '分享链接无效' }).waitFor({ timeout: 10_000 });
    assert.equal(await fake.page.locator('section.my-leader').getAttribute('data-leader-id'), '');
    assert.deepEqual((await other.get('/api/v1/me/leader')).body.leader, null);

    // The leader's console lists the paying buyer (and not the forged link's).
    await poll('the customer in the read model', async () => ((await leader.get('/api/v1/leader/customers')).body.total === 1 ? true : undefined));
    const console = await open('/leader.html?leader=leader-2');
    const row = console.page.locator('.leader-customers tr.customer[data-buyer-id="buyer-960"]');
    await row.waitFor({ timeout: 15_000 });
    assert.deepEqual([await row.getAttribute('data-orders'), await row.getAttribute('data-spend-fen'), await row.getAttribute('data-repurchased')], ['1', '3590', 'false']);
    assert.match((await row.textContent()) ?? '', /¥35\.90/);
    assert.equal(await console.page.locator('.leader-customers tr.customer').count(), 1);
    await console.page.locator('.leader-customers button.make-share-link').click();
    await console.page.waitForFunction(() => /share=/.test((document.querySelector('.leader-customers input.share-url') as HTMLInputElement | null)?.value ?? ''), null, { timeout: 10_000 });
    await console.page.locator('.leader-customers').screenshot({ path: join(artifacts, 'share-link-customers.png') });

    // Error toasts other than the forged link's own word are failures.
    assert.deepEqual([...errors, ...orders.errors, ...console.errors], []);
  });
});
