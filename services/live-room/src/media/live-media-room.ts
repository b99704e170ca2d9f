// One live session's media: the leader produces into an origin router; viewers consume from the
// origin or, once it is busy, from edge routers on other workers fed through pipe transports.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { MediaError } from './media-error.js';
import type { MediaLogger } from './media-logger.js';
import { SerialQueue } from './serial-queue.js';
import type { RouterHandle, RouterRole, WorkerSlot } from './worker-slot.js';
import type { ProducerInfo } from '@lc/contracts';

/** What one peer (socket) may hold in a room, and how long an empty room stays open. */
export interface RoomLimits {
  maxTransportsPerPeer: number;
  maxConsumersPerPeer: number;
  /** A room without any peer for this long closes itself. */
  idleCloseMs: number;
}

/** What a room needs from the cluster: routers on workers, the placement threshold, the limits. */
export interface RouterHost {
  readonly consumersPerRouterThreshold: number;
  readonly roomLimits: RoomLimits;
  readonly logger: MediaLogger;
  /** A router on the least-loaded live worker outside `exclude`; undefined when there is none. */
  createRouter(sessionId: string, role: RouterRole, exclude: ReadonlySet<WorkerSlot>): Promise<RouterHandle | undefined>;
}

/** What mediasoup-client's Device.createSendTransport/createRecvTransport needs. */
export interface TransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export type { ProducerInfo };

/** What mediasoup-client's RecvTransport.consume needs. */
export interface ConsumerParams {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  type: types.ConsumerType;
  producerPaused: boolean;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  paused: boolean;
}

export interface ViewerPlacement {
  routerId: string;
  role: RouterRole;
  workerIndex: number;
}

export interface RouterStats extends ViewerPlacement {
  viewers: number;
  consumers: number;
}

export interface RoomStats {
  sessionId: string;
  peers: number;
  transports: number;
  producers: number;
  routers: RouterStats[];
}

export type LiveMediaRoomEvents = {
  /** The room closed: close() was called, or the origin router's worker died. */
  close: [reason: string];
  newproducer: [producer: ProducerInfo];
  /** A consumer was closed by the server because its producer went away. */
  consumerclose: [peerId: string, consumerId: string];
  /** A transport was closed by the server (its worker died); the client should rejoin. */
  transportclose: [peerId: string, transportId: string];
};

type Direction = 'send' | 'recv';

interface TransportEntry {
  transport: types.WebRtcTransport;
  handle: RouterHandle;
  direction: Direction;
}

interface ConsumerEntry {
  consumer: types.Consumer;
  handle: RouterHandle;
}

interface PeerState {
  readonly id: string;
  readonly transports: Map<string, TransportEntry>;
  readonly producers: Map<string, types.Producer>;
  readonly consumers: Map<string, ConsumerEntry>;
  /** The router serving this peer as a viewer, chosen at its first recv transport. */
  viewerHandle: RouterHandle | undefined;
}

export class LiveMediaRoom extends EventEmitter<LiveMediaRoomEvents> {
  // Serialises every mutation so two joins cannot both see the origin as "not busy yet".
  private readonly queue = new SerialQueue();
  private readonly peers = new Map<string, PeerState>();
  private readonly producersById = new Map<string, { producer: types.Producer; peerId: string }>();
  private readonly edges: RouterHandle[] = [];
  private readonly viewerCounts = new Map<RouterHandle, number>();
  private closeReason: string | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly sessionId: string,
    private readonly origin: RouterHandle,
    private readonly host: RouterHost,
  ) {
    super();
    this.viewerCounts.set(origin, 0);
    // Without its origin the room has no media at all; tell the signalling layer.
    origin.router.observer.once('close', () => this.close('origin router closed (its worker died)'));
    this.armIdleClose();
  }

  static async open(sessionId: string, host: RouterHost): Promise<LiveMediaRoom> {
    const origin = await host.createRouter(sessionId, 'origin', new Set());
    if (origin === undefined) throw new MediaError('UNAVAILABLE', 'no mediasoup worker is available');
    return new LiveMediaRoom(sessionId, origin, host);
  }

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  get routerRtpCapabilities(): types.RtpCapabilities {
    return this.origin.router.rtpCapabilities;
  }

  createSendTransport(peerId: string): Promise<TransportParams> {
    return this.serial(async () => this.openTransport(this.peerWithRoomForTransport(peerId), this.origin, 'send'));
  }

  createRecvTransport(peerId: string): Promise<TransportParams> {
    return this.serial(async () => {
      const peer = this.peerWithRoomForTransport(peerId);
      if (peer.viewerHandle === undefined || peer.viewerHandle.router.closed) {
        const handle = await this.pickViewerRouter();
        this.assertOpen();
        peer.viewerHandle = handle;
        this.viewerCounts.set(handle, (this.viewerCounts.get(handle) ?? 0) + 1);
      }
      return this.openTransport(peer, peer.viewerHandle, 'recv');
    });
  }

  connectTransport(peerId: string, transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    return this.serial(async () => {
      await this.transportOf(peerId, transportId).transport.connect({ dtlsParameters });
    });
  }

  produce(peerId: string, transportId: string, kind: types.MediaKind, rtpParameters: types.RtpParameters): Promise<ProducerInfo> {
    return this.serial(async () => {
      const peer = this.peer(peerId, false);
      const entry = this.transportOf(peerId, transportId, 'send');
      const producer = await entry.transport.produce({ kind, rtpParameters, appData: { peerId } });
      peer.producers.set(producer.id, producer);
      this.producersById.set(producer.id, { producer, peerId });
      producer.observer.once('close', () => {
        peer.producers.delete(producer.id);
        this.producersById.delete(producer.id);
      });
      try {
        // Edges opened earlier must carry this producer too, or their viewers never see it.
        for (const edge of this.edges) await this.pipe(producer.id, edge);
      } catch (err) {
        producer.close();
        throw err;
      }
      const info = producerInfo(producer, peerId);
      this.emit('newproducer', info);
      return info;
    });
  }

  consume(peerId: string, transportId: string, producerId: string, rtpCapabilities: types.RtpCapabilities): Promise<ConsumerParams> {
    return this.serial(async () => {
      const peer = this.peer(peerId, false);
      const { transport, handle } = this.transportOf(peerId, transportId, 'recv');
      const { maxConsumersPerPeer } = this.host.roomLimits;
      if (peer.consumers.size >= maxConsumersPerPeer) throw new MediaError('LIMIT_REACHED', `a peer may hold at most ${maxConsumersPerPeer} consumers`);
      if (!this.producersById.has(producerId)) throw new MediaError('NOT_FOUND', `no producer ${producerId} in room ${this.sessionId}`);
      if (!handle.router.canConsume({ producerId, rtpCapabilities })) {
        throw new MediaError('INVALID_ARGUMENT', `rtpCapabilities of peer ${peerId} cannot consume producer ${producerId}`);
      }
      // Paused: the client resumes once its consumer exists, so the first video packet it gets is
      // the key frame mediasoup requests on resume rather than undecodable deltas.
      const consumer = await transport.consume({ producerId, rtpCapabilities, paused: true, appData: { peerId } });
      handle.consumers += 1;
      peer.consumers.set(consumer.id, { consumer, handle });
      consumer.observer.once('close', () => {
        handle.consumers -= 1;
        peer.consumers.delete(consumer.id);
      });
      consumer.on('producerclose', () => {
        if (!this.closed) this.emit('consumerclose', peerId, consumer.id);
      });
      return {
        id: consumer.id,
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        type: consumer.type,
        producerPaused: consumer.producerPaused,
      };
    });
  }

  resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.peer(peerId, false).consumers.get(consumerId);
      if (entry === undefined) throw new MediaError('NOT_FOUND', `peer ${peerId} has no consumer ${consumerId}`);
      await entry.consumer.resume();
    });
  }

  producers(): ProducerInfo[] {
    return [...this.producersById.values()].map(({ producer, peerId }) => producerInfo(producer, peerId));
  }

  /** The peer's consumers; `paused` is the server-side pause (true until resumeConsumer). */
  consumers(peerId: string): ConsumerInfo[] {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return [];
    return [...peer.consumers.values()].map(({ consumer }) => ({ id: consumer.id, producerId: consumer.producerId, kind: consumer.kind, paused: consumer.paused }));
  }

  /** Closes the peer's transports, which closes its producers and consumers. */
  closePeer(peerId: string): Promise<void> {
    return this.queue.run(async () => {
      const peer = this.peers.get(peerId);
      if (peer === undefined) return;
      this.peers.delete(peerId);
      for (const { transport } of [...peer.transports.values()]) transport.close();
      if (peer.viewerHandle !== undefined) this.releaseViewer(peer.viewerHandle);
      if (this.peers.size === 0) this.armIdleClose();
    });
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closeReason = reason;
    clearTimeout(this.idleTimer);
    for (const edge of this.edges.splice(0)) edge.router.close();
    this.origin.router.close();
    this.peers.clear();
    this.viewerCounts.clear();
    this.host.logger.info({ sessionId: this.sessionId, reason }, 'live media room closed');
    this.emit('close', reason);
  }

  viewerPlacement(peerId: string): ViewerPlacement | undefined {
    const handle = this.peers.get(peerId)?.viewerHandle;
    return handle === undefined ? undefined : placement(handle);
  }

  stats(): RoomStats {
    return {
      sessionId: this.sessionId,
      peers: this.peers.size,
      transports: [...this.peers.values()].reduce((n, p) => n + p.transports.size, 0),
      producers: this.producersById.size,
      routers: this.routerHandles().map((h) => ({ ...placement(h), viewers: this.viewerCounts.get(h) ?? 0, consumers: h.consumers })),
    };
  }

  private routerHandles(): RouterHandle[] {
    return this.closed ? [] : [this.origin, ...this.edges];
  }

  /**
   * Load used for placement: the consumers a router will carry once its viewers consume every
   * producer. Counting only existing consumers would let a burst of joins (transports created,
   * consumes not yet sent) all land on the origin.
   */
  private expectedLoad(handle: RouterHandle): number {
    return Math.max(handle.consumers, (this.viewerCounts.get(handle) ?? 0) * this.producersById.size);
  }

  private async pickViewerRouter(): Promise<RouterHandle> {
    const routers = this.routerHandles();
    const threshold = this.host.consumersPerRouterThreshold;
    const open = routers.find((h) => this.expectedLoad(h) <= threshold);
    if (open !== undefined) return open;
    const edge = await this.openEdge(new Set(routers.map((h) => h.slot)));
    if (edge !== undefined) return edge;
    // Every worker already hosts a router of this room: spread by load among them.
    return routers.reduce((best, h) => (this.expectedLoad(h) < this.expectedLoad(best) ? h : best), this.origin);
  }

  private async openEdge(exclude: ReadonlySet<WorkerSlot>): Promise<RouterHandle | undefined> {
    const edge = await this.host.createRouter(this.sessionId, 'edge', exclude);
    if (edge === undefined) return undefined;
    try {
      this.assertOpen();
      for (const producerId of this.producersById.keys()) await this.pipe(producerId, edge);
      this.assertOpen();
    } catch (err) {
      edge.router.close();
      throw err;
    }
    this.edges.push(edge);
    this.viewerCounts.set(edge, 0);
    edge.router.observer.once('close', () => this.forgetEdge(edge));
    this.host.logger.info({ sessionId: this.sessionId, routerId: edge.router.id, workerIndex: edge.slot.index }, 'live media room opened an edge router');
    return edge;
  }

  /** An edge died with its worker: its viewers get transportclose and are re-placed on rejoin. */
  private forgetEdge(edge: RouterHandle): void {
    const i = this.edges.indexOf(edge);
    if (i >= 0) this.edges.splice(i, 1);
    this.viewerCounts.delete(edge);
    for (const peer of this.peers.values()) if (peer.viewerHandle === edge) peer.viewerHandle = undefined;
  }

  private releaseViewer(handle: RouterHandle): void {
    const count = this.viewerCounts.get(handle);
    if (count !== undefined) this.viewerCounts.set(handle, Math.max(0, count - 1));
  }

  private async pipe(producerId: string, edge: RouterHandle): Promise<void> {
    // The piped producer keeps the origin producer's id, so viewers consume the same id on any router.
    await this.origin.router.pipeToRouter({ producerId, router: edge.router });
  }

  private async openTransport(peer: PeerState, handle: RouterHandle, direction: Direction): Promise<TransportParams> {
    const transport = await handle.router.createWebRtcTransport({
      // Through the worker's WebRtcServer: every transport shares its one UDP and one TCP port.
      webRtcServer: handle.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      appData: { peerId: peer.id, direction },
    });
    if (this.closed) {
      transport.close();
      this.assertOpen();
    }
    peer.transports.set(transport.id, { transport, handle, direction });
    transport.observer.once('close', () => peer.transports.delete(transport.id));
    let reported = false;
    const lost = (): void => {
      if (reported || this.closed) return;
      reported = true;
      this.emit('transportclose', peer.id, transport.id);
    };
    transport.on('routerclose', lost);
    transport.on('listenserverclose', lost);
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      this.assertOpen();
      return task();
    });
  }

  private assertOpen(): void {
    if (this.closeReason !== undefined) throw new MediaError('INVALID_STATE', `live media room ${this.sessionId} is closed: ${this.closeReason}`);
  }

  private peer(peerId: string, create: boolean): PeerState {
    let peer = this.peers.get(peerId);
    if (peer === undefined) {
      if (!create) throw new MediaError('NOT_FOUND', `no peer ${peerId} in room ${this.sessionId}`);
      peer = { id: peerId, transports: new Map(), producers: new Map(), consumers: new Map(), viewerHandle: undefined };
      this.peers.set(peerId, peer);
      clearTimeout(this.idleTimer);
    }
    return peer;
  }

  /** The peer, refused when it already holds as many transports as one peer may. */
  private peerWithRoomForTransport(peerId: string): PeerState {
    const { maxTransportsPerPeer } = this.host.roomLimits;
    if ((this.peers.get(peerId)?.transports.size ?? 0) >= maxTransportsPerPeer) {
      throw new MediaError('LIMIT_REACHED', `a peer may hold at most ${maxTransportsPerPeer} transports`);
    }
    return this.peer(peerId, true);
  }

  /** An empty room closes after a while: nobody ended the session, or its leader just left. */
  private armIdleClose(): void {
    clearTimeout(this.idleTimer);
    const { idleCloseMs } = this.host.roomLimits;
    this.idleTimer = setTimeout(() => {
      if (this.peers.size === 0) this.close(`no peer for ${idleCloseMs} ms`);
    }, idleCloseMs);
    this.idleTimer.unref();
  }

  private transportOf(peerId: string, transportId: string, direction?: Direction): TransportEntry {
    const entry = this.peer(peerId, false).transports.get(transportId);
    if (entry === undefined) throw new MediaError('NOT_FOUND', `peer ${peerId} has no transport ${transportId}`);
    if (direction !== undefined && entry.direction !== direction) {
      throw new MediaError('INVALID_ARGUMENT', `transport ${transportId} is a ${entry.direction} transport, not ${direction}`);
    }
    return entry;
  }
}

function producerInfo(producer: types.Producer, peerId: string): ProducerInfo {
  return { id: producer.id, peerId, kind: producer.kind, paused: producer.paused };
}

function placement(handle: RouterHandle): ViewerPlacement {
  return { routerId: handle.router.id, role: handle.role, workerIndex: handle.slot.index };
}
