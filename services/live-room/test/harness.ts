// Starts the real core (inventory, order, gateway) and one or more live-room pods in-process,
// sharing Postgres, Redis and NATS under one test isolation; connects socket.io clients.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { parseConfig, RpcClient } from '@lc/kit';
import { LiveRoomServiceClient } from '@lc/contracts';
import { isolate, type Isolation } from '../../../test-support/isolation.js';
import { freePort, startCore } from '../../../test-support/platform.js';
import { configShape } from '../src/config.js';
import { startLiveRoom } from '../src/service.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function workerBinary(): string {
  const out = execFileSync('bash', ['scripts/mediasoup-worker.sh'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1)!;
}

export type Pod = Awaited<ReturnType<typeof startLiveRoom>> & { url: string };

export async function startPlatform(opts: { pods?: number; media?: boolean; env?: Record<string, string>; core?: Parameters<typeof startCore>[1] } = {}) {
  const iso: Isolation = isolate();
  // The gateway reaches the first pod's gRPC (live-session routes), so its port is chosen first.
  const firstPodGrpc = await freePort();
  const core = await startCore(iso, { ...opts.core, gateway: { LIVE_ROOM_ADDR: `127.0.0.1:${firstPodGrpc}`, ...opts.core?.gateway } });
  const podEnv = async (i: number, env: Record<string, string> = {}): Promise<Record<string, string>> => ({
    ...iso.env('live-room'),
    INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
    ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
    ...(core.fulfillment ? { FULFILLMENT_ADDR: `127.0.0.1:${core.fulfillment.runtime.grpcPort}` } : {}),
    ...(i === 0 ? { GRPC_PORT: String(firstPodGrpc) } : {}),
    // The SMS notice channel (on when a test names a relay) reads phones from the gateway.
    GATEWAY_ADDR: `127.0.0.1:${core.gateway.runtime.grpcPort}`,
    MEDIA_ENABLED: opts.media ? 'true' : 'false',
    MEDIASOUP_WORKERS: '1',
    MEDIASOUP_RTC_PORT_BASE: String(await freePort()),
    ...(opts.media ? { MEDIASOUP_WORKER_BIN: workerBinary() } : {}),
    ...opts.env,
    ...env,
  });
  const pods: Pod[] = [];
  /** Starts one more pod in this process (`env` over the platform's). */
  const addPod = async (env: Record<string, string> = {}): Promise<Pod> => {
    const pod = await startLiveRoom(parseConfig(configShape, await podEnv(pods.length, env)));
    pods.push({ ...pod, url: `http://127.0.0.1:${pod.runtime.httpPort}` });
    return pods.at(-1)!;
  };
  for (let i = 0; i < (opts.pods ?? 1); i++) await addPod();
  // With no pod yet (a test starting its own), the client waits for the first pod's port.
  const sessions = new RpcClient(LiveRoomServiceClient, `127.0.0.1:${firstPodGrpc}`);
  const clients: Socket[] = [];
  return {
    iso,
    core,
    pods,
    podEnv,
    addPod,
    sessions,
    async token(userId: string): Promise<string> {
      const r = await fetch(`${core.url}/api/v1/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
      if (!r.ok) throw new Error(`login ${userId}: ${r.status}`);
      return ((await r.json()) as { token: string }).token;
    },
    async socket(userId: string, pod = 0): Promise<Socket> {
      const socket = connect(pods[pod]!.url, { path: '/socket.io', auth: { token: await this.token(userId) }, transports: ['websocket'], reconnection: false });
      clients.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    },
    async liveSession(leaderId: string, title = '今晚秒杀 tonight'): Promise<string> {
      const { liveSession } = await sessions.call((c) => c.createLiveSession, { leaderId, title, scheduledAtMs: 0 });
      await sessions.call((c) => c.startLiveSession, { id: liveSession!.id, leaderId });
      return liveSession!.id;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      sessions.close();
      for (const pod of pods) await pod.runtime.stop();
      await core.stop();
      await iso.cleanup();
    },
  };
}

export type Platform = Awaited<ReturnType<typeof startPlatform>>;

 
export type AckResult = { ok: true; data: any } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export function ask(socket: Socket, event: string, payload?: unknown): Promise<AckResult> {
  return payload === undefined ? socket.timeout(10_000).emitWithAck(event) : socket.timeout(10_000).emitWithAck(event, payload);
}

/** Resolves with the next `event` whose payload satisfies `match`. */
 
export function next<T = any>(socket: Socket, event: string, match: (p: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(p);
    };
    socket.on(event, listener);
  });
}

/** Collects every `event` payload from now on. */
 
export function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
