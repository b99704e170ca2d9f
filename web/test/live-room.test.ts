// Browser flows of the live room, end to end with real services and Debian's Chromium: the leader
// goes live with a fake camera and runs a flash sale; a buyer watches, chats, buys, pays and
// follows the order; then the same with the buyer on a second live-room process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, launchChromium } from '../../test-support/browser.js';
import { freePort, repoRoot, startCore } from '../../test-support/platform.js';
import { Api, stockProduct } from '../../test-support/api.js';
import {
  MEDIA_ARGS,
  assertWatching,
  liveSession,
  openBuyer,
  openLeader,
  startLiveRoomProcess,
  workerBinary,
  type Core,
} from '../../test-support/live-room-browser.js';

const artifacts = join(repoRoot, 'test-artifacts');

/** Full-page screenshot from the top (a sticky header drawn mid-page otherwise). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

async function chatCrosses(from: Page, to: Page, text: string): Promise<void> {
  await from.fill('#chat-input', text);
  await from.click('#chat-send');
  await to.locator('#chat-list li', { hasText: text }).waitFor({ timeout: 10_000 });
}

describe('web live room', { timeout: 240_000 }, () => {
  let iso: Isolation;
  let core: Core;
  let roomA: Awaited<ReturnType<typeof startLiveRoomProcess>>;
  let roomB: Awaited<ReturnType<typeof startLiveRoomProcess>> | undefined;
  let browser: Browser;
  let skuId: string;
  let web: ReturnType<typeof buildWeb> | undefined;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    const workerBin = workerBinary();
    iso = isolate();
    web = buildWeb(iso.id);
    // The gateway relays /api/v1/live-sessions to live-room A, which starts after the core.
    const roomAGrpcPort = await freePort();
    // The leader console reads the leader's customers from the leader service.
    core = await startCore(iso, { gateway: { WEB_DIR: web.dir, LIVE_ROOM_ADDR: `127.0.0.1:${roomAGrpcPort}` } }, { leader: true });
    roomA = await startLiveRoomProcess(iso, core, workerBin, roomAGrpcPort);
    roomB = await startLiveRoomProcess(iso, core, workerBin);
    browser = await launchChromium(MEDIA_ARGS);
    const product = await stockProduct(core.url, 'leader-1', {
      name: '赣南脐橙 Gannan navel oranges',
      description: '5斤装 2.5 kg',
      skus: [{ name: '5斤 2.5 kg', listPriceFen: 3990, initialStock: 100 }],
    });
    skuId = product.skus[0]!.id;
  });

  after(async () => {
    await browser?.close();
    await roomB?.room.runtime.stop();
    await roomA?.room.runtime.stop();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
  });

  it('live room - the buyer watches, chats, buys in the flash sale, pays and follows the order, cancels a second one; the leader sees it', async () => {
    const errors: string[] = [];
    const sessionId = await liveSession(roomA.grpc, '今晚橙子秒杀 Oranges tonight');
    const leaderContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const buyerContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const leader = await openLeader(leaderContext, core.url, sessionId, roomA.url, errors);
      const buyer = await openBuyer(buyerContext, core.url, sessionId, roomA.url, 'buyer-7001', errors);
      await assertWatching(buyer);
      await leader.waitForFunction(() => Number(document.getElementById('viewers')?.dataset.count ?? 0) >= 1, null, { timeout: 10_000 });

      await chatCrosses(buyer, leader, '团长好！多少钱？ How much?');
      await chatCrosses(leader, buyer, '欢迎欢迎 Welcome, 29.9 today');

      await leader.locator(`[data-product-id] button.pin`).first().click();
      await buyer.locator('#product:not(.hidden)').waitFor({ timeout: 10_000 });
      assert.match(await buyer.textContent('#product-name') ?? '', /脐橙/);

      await leader.selectOption('#sale-sku', skuId);
      await leader.fill('#sale-form [name=quantity]', '10');
      await leader.fill('#sale-form [name=price]', '29.90');
      await leader.fill('#sale-form [name=limit]', '2');
      await leader.fill('#sale-form [name=countdown]', '6');
      await leader.click('#start-sale');

      await buyer.locator('#sale-area[data-phase=countdown]').waitFor({ timeout: 10_000 });
      assert.match(await buyer.textContent('#countdown') ?? '', /^00:0[1-6]$/, 'countdown shows the seconds left');
      assert.equal(await buyer.textContent('#price'), '¥29.90');
      assert.equal(await buyer.isDisabled('#buy'), true, 'no buying during the countdown');
      await screenshot(buyer, 'live-buyer-countdown.png');

      await buyer.locator('#sale-area[data-phase=open]').waitFor({ timeout: 15_000 });
      await buyer.click('#buy');
      const card = buyer.locator('.order[data-status=PENDING_PAYMENT]');
      await card.waitFor({ timeout: 10_000 });
      const orderId = await card.getAttribute('data-order-id');
      assert.ok(orderId);
      await buyer.waitForFunction(() => document.getElementById('stock')?.dataset.available === '9', null, { timeout: 10_000 });

      await card.locator('button.pay').click();
      await buyer.locator(`.order[data-order-id="${orderId}"][data-status=PAID]`).waitFor({ timeout: 10_000 });
      const steps = await buyer.$$eval(`.order[data-order-id="${orderId}"] ol.timeline li`, (lis) =>
        lis.map((li) => ({ step: (li as HTMLElement).dataset.step, done: li.classList.contains('done') })),
      );
      assert.deepEqual(steps, [
        { step: 'PENDING_PAYMENT', done: true },
        { step: 'PAID', done: true },
        { step: 'PACKED', done: false },
        { step: 'OUT_FOR_DELIVERY', done: false },
        { step: 'READY_FOR_PICKUP', done: false },
        { step: 'PICKED_UP', done: false },
      ]);

      // A second unit (the limit is 2), cancelled before paying: the unit goes back on sale.
      await buyer.click('#buy');
      const second = buyer.locator('.order[data-status=PENDING_PAYMENT]');
      await second.waitFor({ timeout: 10_000 });
      await buyer.waitForFunction(() => document.getElementById('stock')?.dataset.available === '8', null, { timeout: 10_000 });
      await second.locator('button.cancel').click();
      await buyer.locator('.order[data-status=CANCELLED]').waitFor({ timeout: 10_000 });
      await buyer.waitForFunction(() => document.getElementById('stock')?.dataset.available === '9', null, { timeout: 10_000 });

      const feedItem = leader.locator(`#order-feed li[data-order-id="${orderId}"]`);
      await feedItem.waitFor({ timeout: 10_000 });
      await leader.locator(`#order-feed li[data-order-id="${orderId}"][data-status=PAID]`).waitFor({ timeout: 10_000 });
      assert.match(await feedItem.textContent() ?? '', /buyer-7001/);

      await screenshot(buyer, 'live-buyer.png');
      await screenshot(leader, 'live-leader.png');
      assert.deepEqual(errors, [], 'no errors in either page');
    } finally {
      await leaderContext.close();
      await buyerContext.close();
    }
  });

  it('live room - a buyer on a second live-room process gets the video, chat and stock updates', async () => {
    const errors: string[] = [];
    const sessionId = await liveSession(roomA.grpc, '第二场 Second show');
    const leaderContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const buyerContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const leader = await openLeader(leaderContext, core.url, sessionId, roomA.url, errors);
      const buyer = await openBuyer(buyerContext, core.url, sessionId, roomB!.url, 'buyer-7002', errors);
      await assertWatching(buyer);

      await chatCrosses(buyer, leader, '从二号机房来 Hello from pod B');
      await chatCrosses(leader, buyer, '收到 Got it, pod A here');

      await leader.selectOption('#sale-sku', skuId);
      await leader.fill('#sale-form [name=quantity]', '20');
      await leader.fill('#sale-form [name=countdown]', '0');
      await leader.click('#start-sale');
      await buyer.locator('#sale-area[data-phase=open]').waitFor({ timeout: 10_000 });
      await buyer.waitForFunction(() => document.getElementById('stock')?.dataset.available === '20', null, { timeout: 10_000 });

      // Another buyer orders over REST: the stock change travels inventory → NATS → both pods.
      const flashSaleId = await buyer.getAttribute('#sale-area', 'data-flash-sale-id');
      assert.ok(flashSaleId, 'the buyer page shows which sale is running');
      const other = await Api.login(core.url, 'buyer-7003');
      const placed = await other.post('/api/v1/orders', { flashSaleId, qty: 2, liveSessionId: sessionId }, { 'Idempotency-Key': 'pod-b-stock-1' });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
      await buyer.waitForFunction(() => document.getElementById('stock')?.dataset.available === '18', null, { timeout: 10_000 });

      await screenshot(buyer, 'live-buyer-pod-b.png');
      assert.deepEqual(errors, [], 'no errors in either page');
    } finally {
      await leaderContext.close();
      await buyerContext.close();
    }
  });
});

