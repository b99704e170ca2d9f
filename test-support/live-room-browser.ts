// What the live-room browser suites share: Chromium with a fake camera, live-room processes next to
// the core (each suite's own worker binary: mediasoup takes one per process), sessions, and the
// leader's and buyer's pages up to the point where video flows.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';
import { RpcClient, parseConfig } from '@lc/kit';
import { LiveRoomServiceClient } from '@lc/contracts';
import { configShape as liveRoomShape } from '../services/live-room/src/config.js';
import { startLiveRoom } from '../services/live-room/src/service.js';
import { collectErrors, waitForOrExplain } from './browser.js';
import type { Isolation } from './isolation.js';
import { freePort, repoRoot, startCore } from './platform.js';

/** Chromium flags of a live-room page beyond launchChromium's: a fake camera, and video that plays unprompted. */
export const MEDIA_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export function workerBinary(): string {
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

export type Core = Awaited<ReturnType<typeof startCore>>;
export type LiveRoom = Awaited<ReturnType<typeof startLiveRoom>>;

export async function startLiveRoomProcess(
  iso: Isolation,
  core: Core,
  workerBin: string,
  grpcPort = 0,
  env: Record<string, string> = {},
): Promise<{ room: LiveRoom; url: string; grpc: string }> {
  const room = await startLiveRoom(
    parseConfig(liveRoomShape, {
      ...iso.env('live-room'),
      GRPC_PORT: String(grpcPort),
      INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
      ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
      ...(core.fulfillment ? { FULFILLMENT_ADDR: `127.0.0.1:${core.fulfillment.runtime.grpcPort}` } : {}),
      MEDIASOUP_WORKER_BIN: workerBin,
      MEDIASOUP_WORKERS: '1',
      MEDIASOUP_RTC_PORT_BASE: String(await rtcPortBase()),
      // The pages come from the gateway, on its test port.
      CORS_ORIGINS: core.url,
      ...env,
    }),
  );
  return { room, url: `http://127.0.0.1:${room.runtime.httpPort}`, grpc: `127.0.0.1:${room.runtime.grpcPort}` };
}

/**
 * The core with a live-room beside it (no media), for suites that open pages: every page's inbox
 * bell lists through the gateway and takes pushes from the room, which pages find through `rt`.
 */
export async function startCoreWithInbox(iso: Isolation, gateway: Record<string, string> = {}, opts: Parameters<typeof startCore>[2] & { liveRoom?: Record<string, string> } = {}) {
  const grpcPort = await freePort();
  const core = await startCore(iso, { gateway: { ...gateway, LIVE_ROOM_ADDR: `127.0.0.1:${grpcPort}` } }, opts);
  const { room, url, grpc } = await startLiveRoomProcess(iso, core, '', grpcPort, { MEDIA_ENABLED: 'false', ...opts.liveRoom });
  return {
    ...core,
    room,
    liveRoomUrl: url,
    liveRoomGrpc: grpc,
    rt: `rt=${encodeURIComponent(url)}`,
    async stop() {
      await room.runtime.stop();
      await core.stop();
    },
  };
}

/** A session for leader-1, scheduled and started through the live room's own API. */
export async function liveSession(grpcAddr: string, title: string): Promise<string> {
  const client = new RpcClient(LiveRoomServiceClient, grpcAddr);
  try {
    const { liveSession: created } = await client.call((c) => c.createLiveSession, { leaderId: 'leader-1', title, scheduledAtMs: 0 });
    await client.call((c) => c.startLiveSession, { id: created!.id, leaderId: 'leader-1' });
    return created!.id;
  } finally {
    client.close();
  }
}

export async function openLeader(context: BrowserContext, base: string, sessionId: string, rt: string, errors: string[]): Promise<Page> {
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

export async function openBuyer(context: BrowserContext, base: string, sessionId: string, rt: string, buyerId: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  collectErrors(page, errors);
  await page.goto(`${base}/live.html?session=${sessionId}&leader=leader-1&buyer=${buyerId}&rt=${encodeURIComponent(rt)}`);
  await waitForOrExplain(page, '#chat-list', 15_000, errors);
  return page;
}

/** The video plays (frames decoded, time moving) and the stream carries a live audio track. */
export async function assertWatching(page: Page): Promise<void> {
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
