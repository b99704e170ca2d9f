// The admin console and the apply page in Debian's Chromium against real services: a buyer signed
// in by phone applies on a phone-sized screen, an admin approves the application from the console
// (and rejects another, which needs a reason), the pickup point opens in fulfillment, and the
// approved phone then signs in as a leader. Screenshots are saved.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { RpcClient } from '@lc/kit';
import { FulfillmentServiceClient } from '@lc/contracts';
import { Api } from '../../test-support/api.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { isolate } from '../../test-support/isolation.js';
import { newPhone, phoneSignIn } from '../../test-support/phone.js';
import { repoRoot, startCore } from '../../test-support/platform.js';
import { poll } from '../../test-support/poll.js';

const artifacts = join(repoRoot, 'test-artifacts');

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}

describe('web admin console', { timeout: 180_000 }, () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    web = buildWeb(iso.id);
    core = await startCore(iso, { gateway: { WEB_DIR: web.dir } }, { leader: true });
    browser = await launchChromium();
    const staff = await Api.login(core.url, 'warehouse-1');
    const wh = await staff.post('/api/v1/warehouses', { id: 'wh-1', name: '杭州仓 Hangzhou DC', lat: 30.2741, lng: 120.1551, timeZone: 'Asia/Shanghai', driverIds: ['driver-1'], vehicles: [{ id: 'van-1', capacity: 50 }] });
    assert.equal(wh.status, 201, JSON.stringify(wh.body));
  });
  after(async () => {
    await browser?.close();
    await core?.stop();
    await iso.cleanup();
    web?.remove();
  });

  it('admin console - a buyer applies on the apply page, the admin approves it and rejects another with a reason; the leader signs in by phone', async () => {
    const errors: string[] = [];
    // The applicant signed in by phone (the sign-in page keeps this session in localStorage).
    const phone = newPhone();
    const applicant = await phoneSignIn(core.url, phone);
    const applyContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await applyContext.addInitScript((session) => localStorage.setItem('lc.phoneSession', JSON.stringify(session)), applicant.session);
    const applyPage = await applyContext.newPage();
    collectErrors(applyPage, errors);
    await applyPage.goto(`${core.url}/apply.html`);
    await waitForOrExplain(applyPage, '#apply:not(.hidden)', 10_000, errors);
    assert.equal(await applyPage.inputValue('#zone'), 'Asia/Shanghai', 'the zone defaults to the device’s');
    await applyPage.fill('#name', '周团长 Leader Zhou');
    await applyPage.fill('#community', '翠苑一区 Cuiyuan No.1');
    await applyPage.fill('#address', '杭州市西湖区翠苑一区3幢底商 Shop 3, Cuiyuan No.1');
    await applyPage.fill('#lat', '30.2861');
    await applyPage.fill('#lng', '120.1187');
    await applyPage.click('#submit-application');
    await waitForOrExplain(applyPage, '#mine .application[data-status="PENDING"]', 10_000, errors);
    assert.ok(await applyPage.locator('#apply').isHidden(), 'no second application while one waits');
    await screenshot(applyPage, 'apply-pending.png');

    // Another applicant, entered by an operator, to be rejected.
    const admin = await Api.login(core.url, 'admin-1');
    const other = await admin.post('/api/v1/admin/leader-applications', { name: '吴先生 Mr Wu', phone: newPhone(), community: '远郊 Far suburb', address: '临安区某村 a village in Lin’an', lat: 30.23, lng: 119.72, zone: 'Asia/Shanghai' });
    assert.equal(other.status, 201, JSON.stringify(other.body));
    const mine = (await applicant.api.get('/api/v1/leader-applications')).body.applications[0];

    const adminContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const adminPage = await adminContext.newPage();
    collectErrors(adminPage, errors);
    await adminPage.goto(`${core.url}/admin.html?admin=admin-1`);
    const card = adminPage.locator(`#pending [data-application-id="${mine.id}"]`);
    await waitForOrExplain(adminPage, `#pending [data-application-id="${mine.id}"]`, 10_000, errors);
    assert.equal(await adminPage.textContent('#pending-count'), '2');
    assert.match((await card.textContent()) ?? '', new RegExp(`周团长 Leader Zhou.*\\+86${phone}.*翠苑一区`));
    await screenshot(adminPage, 'admin-pending.png');

    // A rejection needs a reason: the empty form is not sent.
    const otherCard = adminPage.locator(`#pending [data-application-id="${other.body.id}"]`);
    await otherCard.locator('.reject-form button').click();
    assert.equal((await admin.get(`/api/v1/admin/leader-applications?status=PENDING`)).body.applications.length, 2);
    await otherCard.locator('input[name="reason"]').fill('不在配送范围 outside our delivery area');
    await otherCard.locator('.reject-form button').click();
    await waitForOrExplain(adminPage, `#decided [data-application-id="${other.body.id}"][data-status="REJECTED"]`, 10_000, errors);
    assert.match((await adminPage.locator(`#decided [data-application-id="${other.body.id}"] .outcome`).textContent()) ?? '', /不在配送范围 outside our delivery area/);

    await adminPage.fill('#warehouse', 'wh-1');
    await card.locator('input[name="opensAt"]').fill('07:30');
    await card.locator('.approve-form button').click();
    const approvedCard = `#decided [data-application-id="${mine.id}"][data-status="APPROVED"]`;
    await waitForOrExplain(adminPage, approvedCard, 15_000, errors);
    assert.equal(await adminPage.textContent('#pending-count'), '0');
    await screenshot(adminPage, 'admin-decided.png');

    const decided = (await admin.get('/api/v1/admin/leader-applications?status=APPROVED')).body.applications[0];
    assert.match((await adminPage.locator(`${approvedCard} .outcome`).textContent()) ?? '', new RegExp(`${decided.leaderId}.*${decided.pickupPointId}.*wh-1`));
    const fulfillment = new RpcClient(FulfillmentServiceClient, `127.0.0.1:${core.fulfillment!.runtime.grpcPort}`);
    try {
      const { pickupPoint } = await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: decided.leaderId });
      assert.deepEqual([pickupPoint?.id, pickupPoint?.warehouseId, pickupPoint?.opensAt, pickupPoint?.address], [decided.pickupPointId, 'wh-1', '07:30', '杭州市西湖区翠苑一区3幢底商 Shop 3, Cuiyuan No.1']);
    } finally {
      fulfillment.close();
    }
    await poll('leader user', async () => ((await core.gateway.identity.userById(decided.leaderId))?.role === 'leader' ? true : undefined));
    const leader = await phoneSignIn(core.url, phone);
    assert.deepEqual([leader.user.id, leader.user.role], [decided.leaderId, 'leader']);

    assert.deepEqual(errors, []);
    await applyContext.close();
    await adminContext.close();
  });
});
