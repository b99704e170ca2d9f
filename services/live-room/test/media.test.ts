// Tests of the SFU layer against real mediasoup workers: producing and consuming, edge routers on
// another worker fed by pipe transports, fixed WebRtcServer ports in ICE candidates, cleanup and
// worker restart. No media flows: the server accepts hand-written RTP parameters without packets.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { types } from 'mediasoup';
import { MediaCluster, MediaError, type LiveMediaRoom, type TransportParams } from '../src/media/index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LISTEN_IP = '127.0.0.1';
const ANNOUNCED = '203.0.113.10';

/** The cached worker binary; builds it if missing (minutes), and fails loudly if that fails. */
function workerBinary(): string {
  const out = execFileSync('bash', ['scripts/mediasoup-worker.sh'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const last = out.trim().split('\n').at(-1);
  assert.ok(last !== undefined && last.startsWith('/'), `mediasoup-worker.sh printed no path: ${out}`);
  return last;
}

async function portFree(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, LISTEN_IP, () => server.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, LISTEN_IP, () => socket.close(() => resolve(true)));
  });
}

/** A random base with `count` consecutive ports free on UDP and TCP, so parallel runs don't clash. */
async function freePortBase(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 40000 + Math.floor(Math.random() * 9000);
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error('no free port range found');
}

const videoRtp = (ssrc: number, mid: string): types.RtpParameters => ({
  mid,
  codecs: [
    {
      mimeType: 'video/VP8',
      payloadType: 101,
      clockRate: 90000,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }],
    },
  ],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: 'leader' },
});

const audioRtp = (ssrc: number, mid: string): types.RtpParameters => ({
  mid,
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  headerExtensions: [],
  encodings: [{ ssrc }],
  rtcp: { cname: 'leader' },
});

const fakeDtls: types.DtlsParameters = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};

function assertCandidates(params: TransportParams, port: number): void {
  const protocols = params.iceCandidates.map((c) => c.protocol).sort();
  assert.deepEqual(protocols, ['tcp', 'udp']);
  for (const c of params.iceCandidates) {
    assert.equal(c.ip, ANNOUNCED, 'candidate carries the announced address');
    assert.equal(c.port, port, `${c.protocol} candidate uses the worker's fixed port`);
  }
  assert.ok(params.iceParameters.usernameFragment.length > 0);
  assert.ok(params.dtlsParameters.fingerprints.length > 0);
}

/** The leader publishes audio + video, as a phone camera does. */
async function startLeader(room: LiveMediaRoom): Promise<{ transportId: string; videoId: string; audioId: string }> {
  const send = await room.createSendTransport('leader');
  await room.connectTransport('leader', send.id, fakeDtls);
  const video = await room.produce('leader', send.id, 'video', videoRtp(1111, '0'));
  const audio = await room.produce('leader', send.id, 'audio', audioRtp(2222, '1'));
  return { transportId: send.id, videoId: video.id, audioId: audio.id };
}

async function watch(room: LiveMediaRoom, peerId: string, producerIds: string[]): Promise<{ transport: TransportParams; consumerIds: string[] }> {
  const transport = await room.createRecvTransport(peerId);
  const consumerIds: string[] = [];
  for (const producerId of producerIds) {
    const c = await room.consume(peerId, transport.id, producerId, room.routerRtpCapabilities);
    consumerIds.push(c.id);
  }
  return { transport, consumerIds };
}

/** Worker notifications (e.g. producerclose on consumers) arrive asynchronously. */
async function waitFor(condition: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function totalRouters(cluster: MediaCluster): number {
  return cluster.stats().workers.reduce((n, w) => n + w.routers, 0);
}

describe('media cluster (real mediasoup workers)', () => {
  let cluster: MediaCluster;
  let portBase: number;
  let workerBin: string;

  before(async () => {
    workerBin = workerBinary();
    portBase = await freePortBase(2);
    cluster = await MediaCluster.create({
      workerBin,
      numWorkers: 2,
      listenIp: LISTEN_IP,
      announcedAddress: ANNOUNCED,
      rtcPortBase: portBase,
      consumersPerRouterThreshold: 2,
    });
  });

  after(() => cluster?.close());

  it('starts one worker per requested count, each on its own fixed port', () => {
    const { workers } = cluster.stats();
    assert.equal(workers.length, 2);
    assert.deepEqual(workers.map((w) => w.port), [portBase, portBase + 1]);
    assert.ok(workers.every((w) => w.alive && typeof w.pid === 'number'));
    assert.equal(new Set(cluster.workerPids()).size, 2);
  });

  it('lets the leader produce and a viewer consume paused, then resume', async () => {
    const room = await cluster.createRoom('session-basic');
    assert.equal(await cluster.createRoom('session-basic'), room, 'one room per session');
    const caps = room.routerRtpCapabilities;
    const mimeTypes = caps.codecs?.map((c) => c.mimeType) ?? [];
    for (const m of ['audio/opus', 'video/VP8', 'video/H264']) assert.ok(mimeTypes.includes(m), `router offers ${m}`);

    const leader = await startLeader(room);
    assert.deepEqual(room.producers().map((p) => [p.kind, p.peerId]).sort(), [['audio', 'leader'], ['video', 'leader']]);

    const recv = await room.createRecvTransport('viewer-1');
    await room.connectTransport('viewer-1', recv.id, fakeDtls);
    const video = await room.consume('viewer-1', recv.id, leader.videoId, caps);
    assert.equal(video.kind, 'video');
    assert.equal(video.producerId, leader.videoId);
    assert.equal(video.producerPaused, false);
    assert.equal(video.rtpParameters.codecs[0]?.mimeType, 'video/VP8');

    const placement = room.viewerPlacement('viewer-1');
    assert.equal(placement?.role, 'origin');
    assertCandidates(recv, portBase + (placement?.workerIndex ?? -1));

    const routerStats = room.stats().routers;
    assert.equal(routerStats.length, 1);
    assert.equal(routerStats[0]?.consumers, 1);

    // Created paused until the client says it is ready; resuming twice is harmless.
    assert.deepEqual(room.consumers('viewer-1').map((c) => [c.id, c.paused]), [[video.id, true]]);
    await room.resumeConsumer('viewer-1', video.id);
    await room.resumeConsumer('viewer-1', video.id);
    assert.deepEqual(room.consumers('viewer-1').map((c) => [c.id, c.paused]), [[video.id, false]]);
    await assert.rejects(room.resumeConsumer('viewer-1', 'nope'), (e: unknown) => e instanceof MediaError && e.code === 'NOT_FOUND');
    // A viewer's recv transport cannot produce.
    await assert.rejects(room.produce('viewer-1', recv.id, 'video', videoRtp(3333, '0')), (e: unknown) => e instanceof MediaError && e.code === 'INVALID_ARGUMENT');
    await assert.rejects(room.consume('viewer-1', recv.id, 'no-such-producer', caps), (e: unknown) => e instanceof MediaError && e.code === 'NOT_FOUND');
    room.close();
  });

  it('sends the 3rd viewer to an edge router on the other worker, piping every producer', async () => {
    const room = await cluster.createRoom('session-edge');
    const leader = await startLeader(room);
    const both = [leader.videoId, leader.audioId];
    const send = room.stats().routers[0];
    assert.ok(send !== undefined);
    const originWorker = send.workerIndex;

    // threshold 2, 2 producers: viewer-1 sees 0 consumers, viewer-2 sees 2 (not more than 2).
    await watch(room, 'viewer-1', both);
    await watch(room, 'viewer-2', both);
    assert.equal(room.viewerPlacement('viewer-1')?.role, 'origin');
    assert.equal(room.viewerPlacement('viewer-2')?.role, 'origin');

    const v3 = await watch(room, 'viewer-3', both);
    const p3 = room.viewerPlacement('viewer-3');
    assert.equal(p3?.role, 'edge');
    assert.notEqual(p3?.workerIndex, originWorker, 'edge lives on the other worker');
    assertCandidates(v3.transport, portBase + (p3?.workerIndex ?? -1));
    assert.ok(room.consumers('viewer-3').every((c) => c.paused));
    for (const id of v3.consumerIds) await room.resumeConsumer('viewer-3', id);
    assert.ok(room.consumers('viewer-3').every((c) => !c.paused));

    // A producer added once the edge exists reaches the edge too.
    const screen = await room.produce('leader', leader.transportId, 'video', videoRtp(4444, '2'));
    const late = await room.consume('viewer-3', v3.transport.id, screen.id, room.routerRtpCapabilities);
    assert.equal(late.producerId, screen.id);
    await room.resumeConsumer('viewer-3', late.id);

    const stats = room.stats();
    assert.deepEqual(
      stats.routers.map((r) => [r.role, r.viewers, r.consumers]),
      [
        ['origin', 2, 4],
        ['edge', 1, 3],
      ],
    );
    const byWorker = cluster.stats().workers;
    assert.ok((byWorker[p3?.workerIndex ?? -1]?.consumers ?? 0) >= 3);
    room.close();
  });

  it('spreads a burst of concurrent joins before any of them consumes', async () => {
    const room = await cluster.createRoom('session-burst');
    await startLeader(room);
    // Serialised per room, and placed by expected load (viewers x producers).
    await Promise.all(['a', 'b', 'c', 'd'].map((p) => room.createRecvTransport(p)));
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((p) => room.viewerPlacement(p)?.role),
      ['origin', 'origin', 'edge', 'edge'],
    );
    assert.equal(room.stats().routers.length, 2);
    room.close();
  });

  it('closePeer releases the viewer transports and consumers, and the leader producers', async () => {
    const room = await cluster.createRoom('session-leave');
    const leader = await startLeader(room);
    const v1 = await watch(room, 'viewer-1', [leader.videoId, leader.audioId]);
    assert.equal(room.stats().routers[0]?.consumers, 2);

    assert.equal(room.stats().transports, 2);
    await room.closePeer('viewer-1');
    assert.equal(room.stats().transports, 1, 'only the leader send transport is left');
    assert.deepEqual(room.consumers('viewer-1'), []);
    assert.equal(room.stats().routers[0]?.consumers, 0);
    assert.equal(room.stats().routers[0]?.viewers, 0);
    assert.equal(room.viewerPlacement('viewer-1'), undefined);
    await assert.rejects(room.consume('viewer-1', v1.transport.id, leader.videoId, room.routerRtpCapabilities), (e: unknown) => e instanceof MediaError && e.code === 'NOT_FOUND');
    await room.closePeer('viewer-1'); // idempotent

    // The leader leaving closes its producers; viewers are told their consumers are gone.
    const v2 = await watch(room, 'viewer-2', [leader.videoId, leader.audioId]);
    const closed: string[] = [];
    room.on('consumerclose', (peerId, consumerId) => closed.push(`${peerId}/${consumerId}`));
    await room.closePeer('leader');
    assert.deepEqual(room.producers(), []);
    await waitFor(() => closed.length === 2, 'consumerclose for both consumers');
    assert.deepEqual(closed.sort(), v2.consumerIds.map((id) => `viewer-2/${id}`).sort());
    assert.equal(room.stats().routers[0]?.consumers, 0);
    room.close();
  });

  it('room.close releases its routers on every worker', async () => {
    const before = totalRouters(cluster);
    const room = await cluster.createRoom('session-close');
    const leader = await startLeader(room);
    for (const v of ['v1', 'v2', 'v3']) await watch(room, v, [leader.videoId, leader.audioId]);
    assert.equal(room.stats().routers.length, 2);
    assert.equal(totalRouters(cluster), before + 2);
    const reasons: string[] = [];
    room.on('close', (reason) => reasons.push(reason));

    room.close('live ended');
    assert.ok(room.closed);
    assert.deepEqual(reasons, ['live ended']);
    assert.equal(totalRouters(cluster), before);
    assert.deepEqual(room.stats().routers, []);
    await assert.rejects(room.createRecvTransport('late'), (e: unknown) => e instanceof MediaError && e.code === 'INVALID_STATE');
    const again = await cluster.createRoom('session-close');
    assert.notEqual(again, room, 'a closed room is replaced by a new one');
    again.close();
  });

  it('restarts a dead worker on the same port and closes the rooms that lived on it', async () => {
    const base = await freePortBase(1);
    const solo = await MediaCluster.create({ workerBin, numWorkers: 1, listenIp: LISTEN_IP, announcedAddress: ANNOUNCED, rtcPortBase: base, consumersPerRouterThreshold: 10 });
    try {
      const room = await solo.createRoom('session-crash');
      await room.createSendTransport('leader');
      const closedWith = new Promise<string>((resolve) => room.once('close', resolve));
      const oldPid = solo.workerPids()[0];
      assert.ok(oldPid !== undefined);
      process.kill(oldPid, 'SIGKILL');
      assert.match(await closedWith, /worker died/);

      await waitFor(() => solo.stats().workers[0]?.alive ?? false, 'the worker restart', 5000);
      const w = solo.stats().workers[0];
      assert.equal(w?.alive, true);
      assert.notEqual(w?.pid, oldPid);
      assert.equal(w?.restarts, 1);

      const fresh = await solo.createRoom('session-crash');
      assert.notEqual(fresh, room);
      assertCandidates(await fresh.createSendTransport('leader'), base);
    } finally {
      solo.close();
    }
  });
});

describe('media limits (real mediasoup worker)', () => {
  let limited: MediaCluster;

  before(async () => {
    limited = await MediaCluster.create({
      workerBin: workerBinary(),
      numWorkers: 1,
      listenIp: LISTEN_IP,
      announcedAddress: ANNOUNCED,
      rtcPortBase: await freePortBase(1),
      consumersPerRouterThreshold: 100,
      roomLimits: { maxTransportsPerPeer: 2, maxConsumersPerPeer: 1, idleCloseMs: 300 },
    });
  });
  after(() => limited?.close());

  it('media limits - a peer past its transport or consumer cap is refused LIMIT_REACHED; other peers are not', async () => {
    const room = await limited.createRoom('session-caps');
    const leader = await startLeader(room);
    const t1 = await room.createRecvTransport('greedy');
    await room.createRecvTransport('greedy');
    await assert.rejects(room.createRecvTransport('greedy'), (e: unknown) => e instanceof MediaError && e.code === 'LIMIT_REACHED');
    await assert.rejects(room.createSendTransport('greedy'), (e: unknown) => e instanceof MediaError && e.code === 'LIMIT_REACHED');
    await room.consume('greedy', t1.id, leader.videoId, room.routerRtpCapabilities);
    await assert.rejects(room.consume('greedy', t1.id, leader.audioId, room.routerRtpCapabilities), (e: unknown) => e instanceof MediaError && e.code === 'LIMIT_REACHED');
    assert.equal(room.consumers('greedy').length, 1);
    assert.equal(room.stats().transports, 3, "the leader's send transport and the greedy peer's two");
    const calm = await watch(room, 'calm', [leader.videoId]);
    assert.equal(calm.consumerIds.length, 1);
    room.close();
  });

  it('media limits - a room left empty closes itself after the idle time; one with a peer stays open', async () => {
    const room = await limited.createRoom('session-idle');
    await room.createRecvTransport('viewer');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(room.closed, false, 'a peer keeps it open');
    const closed = new Promise<string>((resolve) => room.once('close', resolve));
    await room.closePeer('viewer');
    assert.match(await closed, /no peer for 300 ms/);
    assert.equal(limited.getRoom('session-idle'), undefined, 'the cluster forgot it');
    // A room opened but never joined closes too.
    const never = await limited.createRoom('session-never-joined');
    await waitFor(() => never.closed, 'the unjoined room to close', 2000);
    assert.equal(limited.stats().rooms, 0);
  });
});
