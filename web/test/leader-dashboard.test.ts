// Browser flow of the leader dashboard with real services and Debian's Chromium, on a phone-sized
// screen: a seeded April of leader-1's orders (order events as the order service publishes them,
// pickups, a refund, a settlement run on an injected clock) shows as the figures, the daily sales
// line and the top-seller bars the plan implies, per period. Screenshot saved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium } from '../../test-support/browser.js';
import { repoRoot, startCore } from '../../test-support/platform.js';
import { stockProduct } from '../../test-support/api.js';
import { OrderEvents, shanghai, shanghaiDate, type EventOrder } from '../../test-support/leader-events.js';

const artifacts = join(repoRoot, 'test-artifacts');
const TODAY = '2026-04-22';
/** 2990 → "¥29.90", as the page shows money. */
const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

describe('web leader dashboard', { timeout: 180_000 }, () => {
  let iso: Isolation;
  let core: Awaited<ReturnType<typeof startCore>>;
  let browser: Browser;
  let events: OrderEvents;
  let web: ReturnType<typeof buildWeb> | undefined;
  const errors: string[] = [];
  const clock = { t: shanghai(TODAY, 20), now() { return this.t; } };

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    iso = isolate();
    web = buildWeb(iso.id);
    core = await startCore(iso, { gateway: { WEB_DIR: web.dir } }, { leader: { clock } });
    events = await OrderEvents.connect(iso);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await events?.close();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
  });

  it('leader dashboard - a seeded month shows as figures, a daily line and top-seller bars on a phone', async () => {
    const names = ['阳光玫瑰葡萄 Grapes', '有机鸡蛋 Eggs', '鲜牛奶 Milk'];
    const skus: string[] = [];
    for (const name of names) skus.push((await stockProduct(core.url, 'leader-1', { name, skus: [{ name: 'box', listPriceFen: 2990, initialStock: 10 }] })).skus[0]!.id);
    const orders: (EventOrder & { paidAt: number })[] = [];
    for (let i = 0; i < 45; i++) {
      const day = `2026-04-${String(1 + Math.floor((i * 22) / 45)).padStart(2, '0')}`;
      const qty = 1 + (i % 4);
      orders.push({ orderId: randomUUID(), buyerId: `dash-buyer-${i % 12}`, leaderId: 'leader-1', skuId: skus[i % 5 === 0 ? 2 : i % 2]!, qty, totalFen: qty * 2990 + (i % 7) * 150, paidAt: shanghai(day, 8 + (i % 12), 5) });
    }
    for (const o of orders) await events.publish('order.paid', o, 'PAID', o.paidAt, `paid:${o.orderId}`);
    for (const o of orders.filter((o) => shanghaiDate(o.paidAt) < '2026-04-18')) await events.publish('order.status.picked_up', o, 'PICKED_UP', o.paidAt + 30 * 3600_000, `picked:${o.orderId}`);
    const refunded = orders.at(-1)!;
    await events.publish('order.refunded', refunded, 'REFUNDED', shanghai(TODAY, 19), `refund:${refunded.orderId}`, { refundFen: refunded.totalFen, paymentId: randomUUID() });
    await events.drained();
    await core.leader!.runJobs();

    const inPeriod = (first: string) => orders.filter((o) => shanghaiDate(o.paidAt) >= first && shanghaiDate(o.paidAt) <= TODAY);
    const gmv = (os: typeof orders) => os.reduce((s, o) => s + o.totalFen, 0);

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/leader-dashboard.html?leader=leader-1`);
    await page.locator('body[data-loaded="true"]').waitFor({ timeout: 30_000 });
    const kpi = (id: string) => page.locator(`#kpis [data-kpi="${id}"] .kpi-value`).textContent();

    const month = inPeriod('2026-04-01');
    assert.equal(await kpi('gmv'), yuan(gmv(month)));
    assert.equal(await kpi('orders'), String(month.length));
    assert.equal(await kpi('aov'), yuan(Math.floor(gmv(month) / month.length)));
    assert.equal(await kpi('refunded'), yuan(refunded.totalFen));
    assert.match(await page.locator('#period-range').textContent() ?? '', /2026-04-01 – 2026-04-22 · Asia\/Shanghai/);

    await page.click('#period-tabs [data-period="week"]');
    const week = inPeriod('2026-04-20');
    assert.equal(await kpi('gmv'), yuan(gmv(week)));
    assert.equal(await kpi('orders'), String(week.length));
    await page.click('#period-tabs [data-period="today"]');
    assert.equal(await kpi('orders'), String(inPeriod(TODAY).length));

    // The line has a point per day of the last 30, each at that day's sales.
    const dots = page.locator('#daily-chart circle.dot');
    assert.equal(await dots.count(), 30);
    const onTheFirst = gmv(orders.filter((o) => shanghaiDate(o.paidAt) === '2026-04-01'));
    assert.equal(await page.locator('#daily-chart circle[data-date="2026-04-01"]').getAttribute('data-value'), String(onTheFirst));
    const byDay = new Map<string, number>();
    for (const o of orders) byDay.set(shanghaiDate(o.paidAt), (byDay.get(shanghaiDate(o.paidAt)) ?? 0) + o.totalFen);
    assert.equal(await page.locator('#daily-chart text.peak').textContent(), yuan(Math.max(...byDay.values())), 'the line is labelled with its best day');
    // Bars: the month's units per SKU, best first, named from the catalog.
    const units = skus.map((id) => ({ id, units: month.filter((o) => o.skuId === id).reduce((s, o) => s + o.qty, 0) })).sort((a, b) => b.units - a.units || (a.id < b.id ? -1 : 1));
    assert.deepEqual(await page.locator('#top-chart rect.bar').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-key'), Number(r.getAttribute('data-value'))])), units.map((u) => [u.id, u.units]));
    assert.match(await page.locator('#top-chart').textContent() ?? '', new RegExp(names[0]!.split(' ')[0]!));
    assert.equal(await page.locator('#tier [data-tier]').getAttribute('data-tier'), 'NEW');
    assert.equal(await page.locator('#tier [data-requirement]').count(), 2, 'what GROWING needs: sales and repurchase');
    assert.equal(await page.locator('script[src^="http"], link[href^="http"]').count(), 0, 'nothing from a CDN');

    await page.click('#period-tabs [data-period="month"]');
    await page.screenshot({ path: join(artifacts, 'leader-dashboard.png'), fullPage: true });
    await context.close();
    assert.deepEqual(errors, []);
  });

  it('leader dashboard - a leader with no sales yet sees zeros, not a one-fen peak; on a desktop the charts keep their text size', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    const page = await context.newPage();
    collectErrors(page, errors);
    await page.goto(`${core.url}/leader-dashboard.html?leader=leader-2`);
    await page.locator('body[data-loaded="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#kpis [data-kpi="gmv"] .kpi-value').textContent(), '¥0.00');
    assert.equal(await page.locator('#daily-chart text.peak').textContent(), '¥0.00');
    await context.close();
    // On a desktop screen the charts' text stays at reading size instead of scaling with the width.
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    const wide = await desktop.newPage();
    collectErrors(wide, errors);
    await wide.goto(`${core.url}/leader-dashboard.html?leader=leader-1`);
    await wide.locator('body[data-loaded="true"]').waitFor({ timeout: 30_000 });
    for (const text of ['#daily-chart text.peak', '#top-chart text.bar-label']) {
      const box = await wide.locator(text).first().boundingBox();
      assert.ok(box && box.height < 24, `${text} is ${box?.height}px tall on a 1280px screen`);
    }
    await desktop.close();
    assert.deepEqual(errors, []);
  });
});
