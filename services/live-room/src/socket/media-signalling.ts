// mediasoup signalling over the room's socket. A session's media room lives on one pod (its
// owner, recorded in Redis); a request arriving on another pod is relayed to the owner through
// the Redis adapter's serverSideEmit, so a client never needs to know where the media is.
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { Logger } from '@lc/kit';
import { id } from '@lc/contracts';
import type { types } from 'mediasoup';
import { MediaError, type LiveMediaRoom, type MediaCluster } from '../media/index.js';
import type { MediaSupply } from '../media-supply.js';
import type { RoomState } from '../adapters/room-state.js';
import { event, refusalAck, registerEvents, RoomRefusal, type Ack } from './ack.js';
import { rooms } from './room-names.js';
import { socketData } from './socket-auth.js';

const OWNER_TTL_MS = 30_000;
export const RELAY_TIMEOUT_MS = 5_000;
const RELAY_EVENT = 'media:relay';

type MediaOp =
  | { op: 'rtpCapabilities' }
  | { op: 'createTransport'; direction: 'send' | 'recv' }
  | { op: 'connectTransport'; transportId: string; dtlsParameters: types.DtlsParameters }
  | { op: 'produce'; transportId: string; kind: types.MediaKind; rtpParameters: types.RtpParameters }
  | { op: 'producers' }
  | { op: 'consume'; transportId: string; producerId: string; rtpCapabilities: types.RtpCapabilities }
  | { op: 'resumeConsumer'; consumerId: string }
  | { op: 'closePeer' }
  | { op: 'closeRoom' };

interface RelayRequest {
  ownerPodId: string;
  sessionId: string;
  peerId: string;
  request: MediaOp;
}

// mediasoup validates the parameter objects in depth; here we only insist on their outer shape.
const object = (what: string) => z.record(z.string(), z.unknown(), { error: `${what} must be an object` });
const transportId = id('transportId');
const schemas = {
  empty: z.object({}).loose(),
  createTransport: z.object({ direction: z.enum(['send', 'recv'], { error: "direction must be 'send' or 'recv'" }) }),
  connectTransport: z.object({ transportId, dtlsParameters: object('dtlsParameters') }),
  produce: z.object({ transportId, kind: z.enum(['audio', 'video'], { error: "kind must be 'audio' or 'video'" }), rtpParameters: object('rtpParameters') }),
  consume: z.object({ transportId, producerId: id('producerId'), rtpCapabilities: object('rtpCapabilities') }),
  resumeConsumer: z.object({ consumerId: id('consumerId') }),
};

// The client retries: media switches on by itself once the worker is built.
const preparing = () => new RoomRefusal('MEDIA_PREPARING', 'media is being prepared (the video server is still being built); try again shortly');

export class MediaSignalling {
  private readonly wired = new Set<string>();
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: Server,
    private readonly state: RoomState,
    readonly podId: string,
    private readonly media: Pick<MediaSupply, 'cluster' | 'state'>,
    private readonly logger: Logger,
    /** Whether the session has ended: an ended session's room is closed and never reopened. */
    private readonly sessionEnded: (sessionId: string) => Promise<boolean> = async () => false,
  ) {}

  start(): void {
    this.io.on(RELAY_EVENT, (req: RelayRequest, reply: (answer: Ack<unknown> | null) => void) => {
      if (req.ownerPodId !== this.podId) return reply(null);
      this.local(req.sessionId, req.peerId, req.request).then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => reply(refusalAck(err, this.logger, `relayed ${req.request.op}`)),
      );
    });
    this.keepAlive = setInterval(() => {
      for (const sessionId of this.wired) this.state.keepMediaOwner(sessionId, this.podId, OWNER_TTL_MS).catch(() => undefined);
    }, OWNER_TTL_MS / 3);
    this.keepAlive.unref();
  }

  stop(): void {
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    for (const sessionId of this.wired) this.state.releaseMediaOwner(sessionId, this.podId).catch(() => undefined);
  }

  register(socket: Socket): void {
    const data = socketData(socket);
    const ask = async (request: MediaOp) => {
      const sessionId = data.sessionId;
      if (sessionId === undefined) throw new RoomRefusal('NOT_JOINED', 'join a session first (session:join)');
      // Any media request opens the room on demand; once the session ended that would reopen it.
      if (await this.sessionEnded(sessionId)) throw new RoomRefusal('INVALID_STATE', 'the session has ended');
      data.mediaSessionId = sessionId;
      return this.request(sessionId, socket.id, request);
    };
    const hostOnly = () => {
      if (!data.isHost) throw new RoomRefusal('FORBIDDEN', 'only the session’s leader may send media');
    };
    async function rtpCapabilitiesHandler() {
      return ask({ op: 'rtpCapabilities' });
    }
    async function createTransportHandler({ direction }: z.infer<typeof schemas.createTransport>) {
      if (direction === 'send') hostOnly();
      return ask({ op: 'createTransport', direction });
    }
    async function connectTransportHandler(p: z.infer<typeof schemas.connectTransport>) {
      return ask({ op: 'connectTransport', transportId: p.transportId, dtlsParameters: p.dtlsParameters as unknown as types.DtlsParameters });
    }
    async function produceHandler(p: z.infer<typeof schemas.produce>) {
      hostOnly();
      return ask({ op: 'produce', transportId: p.transportId, kind: p.kind, rtpParameters: p.rtpParameters as unknown as types.RtpParameters });
    }
    async function producersHandler() {
      return ask({ op: 'producers' });
    }
    async function consumeHandler(p: z.infer<typeof schemas.consume>) {
      return ask({ op: 'consume', transportId: p.transportId, producerId: p.producerId, rtpCapabilities: p.rtpCapabilities as unknown as types.RtpCapabilities });
    }
    async function resumeConsumerHandler({ consumerId }: z.infer<typeof schemas.resumeConsumer>) {
      return ask({ op: 'resumeConsumer', consumerId });
    }
    registerEvents(socket, this.logger, [
      event('media:rtpCapabilities', schemas.empty, rtpCapabilitiesHandler),
      event('media:createTransport', schemas.createTransport, createTransportHandler),
      event('media:connectTransport', schemas.connectTransport, connectTransportHandler),
      event('media:produce', schemas.produce, produceHandler),
      event('media:producers', schemas.empty, producersHandler),
      event('media:consume', schemas.consume, consumeHandler),
      event('media:resumeConsumer', schemas.resumeConsumer, resumeConsumerHandler),
    ]);
  }

  /** Closes a session's media room on whichever pod owns it (the session ended). */
  async closeRoom(sessionId: string): Promise<void> {
    await this.request(sessionId, '', { op: 'closeRoom' });
  }

  /** Closes a socket's media peer (it left the session or disconnected). */
  async leave(socket: Socket, sessionId: string): Promise<void> {
    const data = socketData(socket);
    if (data.mediaSessionId !== sessionId) return;
    data.mediaSessionId = undefined;
    await this.request(sessionId, socket.id, { op: 'closePeer' }).catch((err: unknown) => this.logger.warn({ err, sessionId }, 'media peer not closed'));
  }

  private async request(sessionId: string, peerId: string, request: MediaOp): Promise<unknown> {
    const owner = await this.state.mediaOwner(sessionId, this.media.cluster ? this.podId : undefined, OWNER_TTL_MS);
    if (owner === this.podId) return this.local(sessionId, peerId, request);
    if (owner === null) {
      if (request.op === 'closePeer' || request.op === 'closeRoom') return {};
      if (this.media.state === 'preparing') throw preparing();
      throw new RoomRefusal('UNAVAILABLE', 'no live-room pod serves media for this session');
    }
    let answers: (Ack<unknown> | null)[];
    try {
      // The Redis adapter times the request out (its requestsTimeout, set where the adapter is made).
      answers = (await this.io.serverSideEmitWithAck(RELAY_EVENT, { ownerPodId: owner, sessionId, peerId, request } satisfies RelayRequest)) as (Ack<unknown> | null)[];
    } catch {
      throw new RoomRefusal('UNAVAILABLE', 'the pod serving this session’s media did not answer');
    }
    const answer = answers.find((a) => a !== null);
    if (answer === undefined) throw new RoomRefusal('UNAVAILABLE', 'the pod serving this session’s media is gone');
    if (!answer.ok) throw new RoomRefusal(answer.code, answer.message, answer.details);
    return answer.data;
  }

  private async local(sessionId: string, peerId: string, request: MediaOp): Promise<unknown> {
    const cluster = this.servingCluster();
    if (request.op === 'closePeer' || request.op === 'closeRoom') {
      const opening = cluster.getRoom(sessionId);
      if (request.op === 'closePeer') {
        if (opening !== undefined) await (await opening).closePeer(peerId);
      } else if (opening !== undefined) (await opening).close();
      else await this.state.releaseMediaOwner(sessionId, this.podId);
      return {};
    }
    const room = await cluster.createRoom(sessionId);
    this.wire(room);
    switch (request.op) {
      case 'rtpCapabilities':
        return { rtpCapabilities: room.routerRtpCapabilities };
      case 'createTransport':
        return request.direction === 'send' ? room.createSendTransport(peerId) : room.createRecvTransport(peerId);
      case 'connectTransport':
        await room.connectTransport(peerId, request.transportId, request.dtlsParameters);
        return {};
      case 'produce':
        return { id: (await room.produce(peerId, request.transportId, request.kind, request.rtpParameters)).id };
      case 'producers':
        return { producers: room.producers() };
      case 'consume':
        return room.consume(peerId, request.transportId, request.producerId, request.rtpCapabilities);
      case 'resumeConsumer':
        await room.resumeConsumer(peerId, request.consumerId);
        return {};
    }
  }

  private servingCluster(): MediaCluster {
    const cluster = this.media.cluster;
    if (cluster !== undefined) return cluster;
    if (this.media.state === 'preparing') throw preparing();
    throw new MediaError('UNAVAILABLE', this.media.state === 'failed' ? 'media failed to start on this pod' : 'media is disabled on this pod');
  }

  /** Forwards a room's server-side happenings to its sockets, on whichever pod they are. */
  private wire(room: LiveMediaRoom): void {
    const sessionId = room.sessionId;
    if (this.wired.has(sessionId)) return;
    this.wired.add(sessionId);
    room.on('newproducer', (p) => this.io.to(rooms.session(sessionId)).emit('media:newProducer', p));
    room.on('consumerclose', (peerId, consumerId) => this.io.to(peerId).emit('media:consumerClosed', { consumerId }));
    room.on('transportclose', (peerId, transportId) => this.io.to(peerId).emit('media:transportClosed', { transportId }));
    room.once('close', (reason) => {
      this.wired.delete(sessionId);
      this.io.to(rooms.session(sessionId)).emit('media:closed', { reason });
      this.state.releaseMediaOwner(sessionId, this.podId).catch(() => undefined);
    });
  }
}
