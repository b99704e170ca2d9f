// Browser flows of the live room, end to end with real services and Debian's Chromium: the leader
// goes live with a fake camera and runs a flash sale; a buyer watches, chats, buys, pays and
// follows the order; then the same with the buyer on a second live-room process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { RpcClient, parseConfig } from '@lc/kit';
import { LiveRoomServiceClient } from '@lc/contracts';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, waitForOrExplain } from '../../test-support/browser.js';
import { freePort, repoRoot, startCore } from '../../test-support/platform.js';
import { Api, stockProduct } from '../../test-support/api.js';
import { configShape as liveRoomShape } from '../../services/live-room/src/config.js';
import { startLiveRoom } from '../../services/live-room/src/service.js';

const artifacts = join(repoRoot, 'test-artifacts');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

function workerBinary(): string {
  const out = execFileSync('bash', ['scripts/mediasoup-worker.sh'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = out.trim().split('\n').at(-1);
  if (!last?.startsWith('/')) throw new Error(`mediasoup-worker.sh printed no path: ${out}`);
  return last;
}

/** A random base with two consecutive ports free (one worker each for UDP+TCP is plenty here). */
async function rtcPortBase(): Promise<number> {
  for (;;) {
    const a = await freePort();
    if (a < 65000) return a;
  }
}

type Core = Awaited<ReturnType<typeof startCore>>;
type LiveRoom = Awaited<ReturnType<typeof startLiveRoom>>;

async function startLiveRoomProcess(iso: Isolation, core: Core, workerBin: string, grpcPort = 0): Promise<{ room: LiveRoom; url: string; grpc: string }> {
  const room = await startLiveRoom(
    parseConfig(liveRoomShape, {
      ...iso.env('live-room'),
      GRPC_PORT: String(grpcPort),
      INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
      ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
      MEDIASOUP_WORKER_BIN: workerBin,
      MEDIASOUP_WORKERS: '1',
      MEDIASOUP_RTC_PORT_BASE: String(await rtcPortBase()),
      // The pages come from the gateway, on its test port.
      CORS_ORIGINS: core.url,
    }),
  );
  return { room, url: `http://127.0.0.1:${room.runtime.httpPort}`, grpc: `127.0.0.1:${room.runtime.grpcPort}` };
}

/** A session for leader-1, scheduled and started through the live room's own API. */
async function liveSession(grpcAddr: string, title: string): Promise<string> {
  const client = new RpcClient(LiveRoomServiceClient, grpcAddr);
  try {
    const { liveSession: created } = await client.call((c) => c.createLiveSession, { leaderId: 'leader-1', title, scheduledAtMs: 0 });
    await client.call((c) => c.startLiveSession, { id: created!.id, leaderId: 'leader-1' });
    return created!.id;
  } finally {
    client.close();
  }
}

async function openLeader(context: BrowserContext, base: string, sessionId: string, rt: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  collectErrors(page, errors);
  await page.goto(`${base}/leader.html?leader=leader-1&session=${sessionId}&rt=${encodeURIComponent(rt)}`);
  await waitForOrExplain(page, '#room:not(.hidden)', 15_000, errors);
  await page.click('#go-live');
  await page.waitForFunction(() => (document.getElementById('media-state')?.dataset.publishing ?? '').split(',').sort().join() === 'audio,video', null, {
    timeout: 20_000,
  });
  return page;
}

async function openBuyer(context: BrowserContext, base: string, sessionId: string, rt: string, buyerId: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  collectErrors(page, errors);
  await page.goto(`${base}/live.html?session=${sessionId}&leader=leader-1&buyer=${buyerId}&rt=${encodeURIComponent(rt)}`);
  await waitForOrExplain(page, '#chat-list', 15_000, errors);
  return page;
}

/** The video plays (frames decoded, time moving) and the stream carries a live audio track. */
async function assertWatching(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const v = document.getElementById('video') as HTMLVideoElement;
    return v.videoWidth > 0 && v.currentTime > 0;
  }, null, { timeout: 30_000 });
  const t1 = await page.evaluate(() => (document.getElementById('video') as HTMLVideoElement).currentTime);
  await page.waitForTimeout(1500);
  const media = await page.evaluate(() => {
    const v = document.getElementById('video') as HTMLVideoElement;
    const stream = v.srcObject as MediaStream;
    return { t: v.currentTime, width: v.videoWidth, audio: stream.getAudioTracks().map((t) => t.readyState) };
  });
  assert.ok(media.width > 0, 'video has frames');
  assert.ok(media.t > t1 + 0.5, `video time advances (${t1} → ${media.t})`);
  assert.deepEqual(media.audio, ['live'], 'the buyer receives one live audio track');
}

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
    core = await startCore(iso, { gateway: { WEB_DIR: web.dir, LIVE_ROOM_ADDR: `127.0.0.1:${roomAGrpcPort}` } });
    roomA = await startLiveRoomProcess(iso, core, workerBin, roomAGrpcPort);
    roomB = await startLiveRoomProcess(iso, core, workerBin);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
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

