// `npm start` on a fresh machine builds the mediasoup worker while the services already run: a pod
// without its worker is ready and serves the room, answers media signalling MEDIA_PREPARING, and
// switches media on in place once the binary appears — the same sockets then get real answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lc/kit';
import { MediaSupply } from '../src/media-supply.js';
import { freePort } from '../../../test-support/platform.js';
import { ask, sleep, startPlatform, workerBinary, type Platform } from './harness.js';

describe('media with a worker still being built', () => {
  let p: Platform;
  let dir: string;
  let lateWorker: string;

  before(async () => {
    dir = mkdtempSync(join(os.tmpdir(), 'lc-late-worker-'));
    lateWorker = join(dir, 'mediasoup-worker');
    p = await startPlatform({ env: { MEDIA_ENABLED: 'true', MEDIASOUP_WORKER_BIN: lateWorker, MEDIASOUP_WORKER_WAIT: 'true' } });
  });
  after(async () => {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('late worker - the pod is ready and answers MEDIA_PREPARING; when the worker appears media switches on without a restart', async () => {
    const ready = await fetch(`${p.pods[0]!.url}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    assert.equal(p.pods[0]!.mediaSupply.state, 'preparing');

    const sessionId = await p.liveSession('leader-1');
    const leader = await p.socket('leader-1');
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok, 'the room works without media');
    const early = await ask(leader, 'media:rtpCapabilities');
    assert.equal(!early.ok && early.code, 'MEDIA_PREPARING', JSON.stringify(early));
    const earlySend = await ask(leader, 'media:createTransport', { direction: 'send' });
    assert.equal(!earlySend.ok && earlySend.code, 'MEDIA_PREPARING', JSON.stringify(earlySend));

    // The build script installs the binary with one rename; a symlink appears just as atomically.
    symlinkSync(workerBinary(), lateWorker);
    let caps = early;
    for (let i = 0; i < 100 && !caps.ok; i++) {
      await sleep(200);
      caps = await ask(leader, 'media:rtpCapabilities');
    }
    assert.ok(caps.ok, `media did not switch on: ${JSON.stringify(caps)}`);
    assert.ok(caps.data.rtpCapabilities.codecs.some((c: { mimeType: string }) => c.mimeType === 'video/VP8'));
    assert.equal(p.pods[0]!.mediaSupply.state, 'on');
    const send = await ask(leader, 'media:createTransport', { direction: 'send' });
    assert.ok(send.ok, JSON.stringify(send));
    assert.equal(p.pods[0]!.mediaSupply.cluster!.stats().rooms, 1);
  });
});

describe('media supply without waiting', () => {
  it('late worker - a missing worker fails the start unless waiting was asked for, naming the path', async () => {
    const missing = join(os.tmpdir(), `lc-no-worker-${process.pid}`, 'mediasoup-worker');
    const options = { workerBin: missing, numWorkers: 1, listenIp: '127.0.0.1', rtcPortBase: await freePort(), consumersPerRouterThreshold: 10 };
    await assert.rejects(MediaSupply.start(options, false, createLogger('live-room', 'silent')), (err: Error) => err.message.includes(missing) && err.message.includes('MEDIASOUP_WORKER_WAIT'));
    const waiting = await MediaSupply.start(options, true, createLogger('live-room', 'silent'));
    assert.equal(waiting.state, 'preparing');
    assert.equal(waiting.cluster, undefined);
    waiting.close();
  });
});
