// A first `npm start` in the browser: the live room runs before its mediasoup worker is built. The
// leader goes live and is told media is being prepared, the buyer sees the same; when the worker
// lands the leader's console publishes by itself and the buyer's video plays, nobody reloading.
// Its own file: mediasoup takes one worker path per process, and this one differs from the others'.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { isolate, type Isolation } from '../../test-support/isolation.js';
import { buildWeb, collectErrors, launchChromium, waitForOrExplain } from '../../test-support/browser.js';
import { freePort, startCore } from '../../test-support/platform.js';
import { MEDIA_ARGS, assertWatching, liveSession, openBuyer, startLiveRoomProcess, workerBinary, type Core } from '../../test-support/live-room-browser.js';

describe('web live room while the video server is being built', { timeout: 180_000 }, () => {
  let iso: Isolation;
  let core: Core;
  let room: Awaited<ReturnType<typeof startLiveRoomProcess>>;
  let browser: Browser;
  let web: ReturnType<typeof buildWeb> | undefined;
  let lateDir: string;
  let builtWorker: string;

  before(async () => {
    builtWorker = workerBinary();
    lateDir = mkdtempSync(join(tmpdir(), 'lc-late-worker-'));
    iso = isolate();
    web = buildWeb(iso.id);
    const grpcPort = await freePort();
    // The leader console reads the leader's customers from the leader service.
    core = await startCore(iso, { gateway: { WEB_DIR: web.dir, LIVE_ROOM_ADDR: `127.0.0.1:${grpcPort}` } }, { leader: true });
    room = await startLiveRoomProcess(iso, core, join(lateDir, 'mediasoup-worker'), grpcPort, { MEDIASOUP_WORKER_WAIT: 'true' });
    browser = await launchChromium(MEDIA_ARGS);
  });

  after(async () => {
    await browser?.close();
    await room?.room.runtime.stop();
    await core?.stop();
    await iso?.cleanup();
    web?.remove();
    rmSync(lateDir, { recursive: true, force: true });
  });

  it('media preparing - the leader console says media is being prepared and publishes by itself once the worker is built; the buyer then watches', async () => {
    const errors: string[] = [];
    const sessionId = await liveSession(room.grpc, '首播 First start');
    const leaderContext = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const buyerContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const leader = await leaderContext.newPage();
      collectErrors(leader, errors);
      await leader.goto(`${core.url}/leader.html?leader=leader-1&session=${sessionId}&rt=${encodeURIComponent(room.url)}`);
      await waitForOrExplain(leader, '#room:not(.hidden)', 15_000, errors);
      await leader.click('#go-live');
      await waitForOrExplain(leader, '#media-state[data-preparing=true]', 15_000, errors);
      assert.match((await leader.textContent('#media-state')) ?? '', /Media is being prepared/);
      const buyer = await openBuyer(buyerContext, core.url, sessionId, room.url, 'buyer-7101', errors);
      await buyer.waitForFunction(() => document.getElementById('video-placeholder')?.textContent?.includes('Video is being prepared'), null, { timeout: 10_000 });

      // The build ends: the binary lands where the live room looks (the script renames it in).
      symlinkSync(builtWorker, join(lateDir, 'mediasoup-worker'));
      await leader.waitForFunction(() => (document.getElementById('media-state')?.dataset.publishing ?? '').split(',').sort().join() === 'audio,video', null, {
        timeout: 30_000,
      });
      await assertWatching(buyer);
      assert.deepEqual(errors, [], 'no errors in either page');
    } finally {
      await leaderContext.close();
      await buyerContext.close();
    }
  });
});
