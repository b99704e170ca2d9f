// This pod's mediasoup workers (one per core by default), each with one WebRtcServer on a fixed
// UDP+TCP port, and the live media rooms placed on them.
import os from 'node:os';
import type { types } from 'mediasoup';
import { LiveMediaRoom, type RoomLimits, type RouterHost } from './live-media-room.js';
import { mediaCodecs } from './media-codecs.js';
import { MediaError } from './media-error.js';
import { silentLogger, type MediaLogger } from './media-logger.js';
import { loadMediasoup, type Mediasoup } from './mediasoup-loader.js';
import { leastLoadedSlot, slotAvailable, slotConsumers, type RouterHandle, type RouterRole, type WorkerSlot } from './worker-slot.js';

export interface MediaClusterOptions {
  /** Absolute path of the mediasoup-worker binary (scripts/mediasoup-worker.sh prints it). */
  workerBin: string;
  /** Default: os.availableParallelism(). */
  numWorkers?: number;
  /** Address the WebRtcServers bind, e.g. '0.0.0.0' in a pod. */
  listenIp: string;
  /** Address put in ICE candidates (the pod's reachable IP); default: listenIp. */
  announcedAddress?: string;
  /** Worker i listens on UDP and TCP port rtcPortBase + i. */
  rtcPortBase: number;
  /** A router whose (expected) viewer consumers exceed this sends new viewers to an edge router. */
  consumersPerRouterThreshold: number;
  /** Per-peer caps and the empty-room timeout; defaults in DEFAULT_ROOM_LIMITS. */
  roomLimits?: Partial<RoomLimits>;
  logger?: MediaLogger;
  workerLogLevel?: types.WorkerLogLevel;
  /** Ports for the loopback pipe transports between routers; default: mediasoup's 10000-59999. */
  pipePortRange?: { min: number; max: number };
}

export interface WorkerStats {
  index: number;
  port: number;
  pid: number | undefined;
  alive: boolean;
  restarts: number;
  routers: number;
  consumers: number;
}

export interface ClusterStats {
  rooms: number;
  workers: WorkerStats[];
}

interface SlotState extends WorkerSlot {
  restarts: number;
  restartTimer: NodeJS.Timeout | undefined;
}

const MAX_RESTART_DELAY_MS = 30_000;

export const DEFAULT_ROOM_LIMITS: RoomLimits = { maxTransportsPerPeer: 4, maxConsumersPerPeer: 8, idleCloseMs: 5 * 60_000 };

export class MediaCluster implements RouterHost {
  readonly consumersPerRouterThreshold: number;
  readonly roomLimits: RoomLimits;
  readonly logger: MediaLogger;
  private readonly slots: SlotState[];
  private readonly rooms = new Map<string, Promise<LiveMediaRoom>>();
  private closed = false;

  private constructor(
    private readonly mediasoup: Mediasoup,
    private readonly options: MediaClusterOptions,
    numWorkers: number,
  ) {
    this.consumersPerRouterThreshold = options.consumersPerRouterThreshold;
    this.roomLimits = { ...DEFAULT_ROOM_LIMITS, ...options.roomLimits };
    this.logger = options.logger ?? silentLogger;
    this.slots = Array.from({ length: numWorkers }, (_, index) => ({
      index,
      port: options.rtcPortBase + index,
      worker: undefined,
      webRtcServer: undefined,
      routers: new Set<RouterHandle>(),
      restarts: 0,
      restartTimer: undefined,
    }));
  }

  static async create(options: MediaClusterOptions): Promise<MediaCluster> {
    const numWorkers = options.numWorkers ?? os.availableParallelism();
    if (!Number.isInteger(numWorkers) || numWorkers < 1) throw new MediaError('INVALID_ARGUMENT', `numWorkers must be a positive integer, got ${numWorkers}`);
    if (!Number.isInteger(options.rtcPortBase) || options.rtcPortBase < 1 || options.rtcPortBase + numWorkers - 1 > 65535) {
      throw new MediaError('INVALID_ARGUMENT', `rtcPortBase ${options.rtcPortBase} with ${numWorkers} workers is outside 1-65535`);
    }
    if (!(options.consumersPerRouterThreshold >= 0)) {
      throw new MediaError('INVALID_ARGUMENT', `consumersPerRouterThreshold must be >= 0, got ${options.consumersPerRouterThreshold}`);
    }
    const mediasoup = await loadMediasoup(options.workerBin);
    const cluster = new MediaCluster(mediasoup, options, numWorkers);
    try {
      for (const slot of cluster.slots) await cluster.startWorker(slot);
    } catch (err) {
      cluster.close();
      throw err;
    }
    return cluster;
  }

  /** The room of a live session; concurrent calls for one session share one room. */
  createRoom(sessionId: string): Promise<LiveMediaRoom> {
    if (this.closed) return Promise.reject(new MediaError('INVALID_STATE', 'media cluster is closed'));
    const existing = this.rooms.get(sessionId);
    if (existing !== undefined) return existing;
    const opening = LiveMediaRoom.open(sessionId, this).then((room) => {
      room.once('close', () => {
        if (this.rooms.get(sessionId) === opening) this.rooms.delete(sessionId);
      });
      return room;
    });
    this.rooms.set(sessionId, opening);
    opening.catch(() => {
      if (this.rooms.get(sessionId) === opening) this.rooms.delete(sessionId);
    });
    return opening;
  }

  getRoom(sessionId: string): Promise<LiveMediaRoom> | undefined {
    return this.rooms.get(sessionId);
  }

  async createRouter(sessionId: string, role: RouterRole, exclude: ReadonlySet<WorkerSlot>): Promise<RouterHandle | undefined> {
    const slot = leastLoadedSlot(this.slots, exclude);
    if (slot === undefined || !slotAvailable(slot)) return undefined;
    const webRtcServer = slot.webRtcServer;
    const router = await slot.worker.createRouter({ mediaCodecs, appData: { sessionId, role } });
    const handle: RouterHandle = { router, slot, webRtcServer, role, sessionId, consumers: 0 };
    slot.routers.add(handle);
    router.observer.once('close', () => slot.routers.delete(handle));
    return handle;
  }

  stats(): ClusterStats {
    return {
      rooms: this.rooms.size,
      workers: this.slots.map((slot) => ({
        index: slot.index,
        port: slot.port,
        pid: slot.worker?.pid,
        alive: slotAvailable(slot),
        restarts: slot.restarts,
        routers: slot.routers.size,
        consumers: slotConsumers(slot),
      })),
    };
  }

  /** PIDs of the live workers, e.g. for per-process CPU metrics. */
  workerPids(): number[] {
    return this.slots.flatMap((slot) => (slot.worker !== undefined && !slot.worker.closed ? [slot.worker.pid] : []));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const opening of this.rooms.values()) opening.then((room) => room.close('media cluster closed'), () => undefined);
    this.rooms.clear();
    for (const slot of this.slots) {
      if (slot.restartTimer !== undefined) clearTimeout(slot.restartTimer);
      slot.worker?.close();
      slot.worker = undefined;
      slot.webRtcServer = undefined;
    }
  }

  private async startWorker(slot: SlotState): Promise<void> {
    const { listenIp, announcedAddress, pipePortRange, workerLogLevel } = this.options;
    const worker = await this.mediasoup.createWorker({
      logLevel: workerLogLevel ?? 'warn',
      rtcMinPort: pipePortRange?.min,
      rtcMaxPort: pipePortRange?.max,
      appData: { index: slot.index },
    });
    let webRtcServer: types.WebRtcServer;
    try {
      const listen = { ip: listenIp, announcedIp: announcedAddress, port: slot.port };
      webRtcServer = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ...listen },
          { protocol: 'tcp', ...listen },
        ],
      });
    } catch (err) {
      worker.close();
      throw new MediaError('UNAVAILABLE', `worker ${slot.index}: WebRtcServer on ${listenIp}:${slot.port} (udp+tcp) failed: ${errorMessage(err)}`);
    }
    worker.on('died', (error) => this.onWorkerDied(slot, worker, error));
    if (this.closed) {
      worker.close();
      return;
    }
    slot.worker = worker;
    slot.webRtcServer = webRtcServer;
    this.logger.info({ workerIndex: slot.index, pid: worker.pid, port: slot.port }, 'mediasoup worker started');
  }

  /**
   * mediasoup closes the dead worker's routers, so rooms see their routers close and react; here
   * we bring a new worker up on the same port, backing off if it keeps dying.
   */
  private onWorkerDied(slot: SlotState, worker: types.Worker, error: Error): void {
    this.logger.error({ workerIndex: slot.index, pid: worker.pid, err: error.message }, 'mediasoup worker died');
    if (slot.worker === worker) {
      slot.worker = undefined;
      slot.webRtcServer = undefined;
    }
    this.scheduleRestart(slot);
  }

  private scheduleRestart(slot: SlotState): void {
    if (this.closed) return;
    const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.min(slot.restarts, 5));
    slot.restarts += 1;
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.closed) return;
      this.startWorker(slot).catch((err: unknown) => {
        this.logger.error({ workerIndex: slot.index, err: errorMessage(err) }, 'mediasoup worker restart failed');
        this.scheduleRestart(slot);
      });
    }, delay);
    slot.restartTimer.unref();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
