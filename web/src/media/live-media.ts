// mediasoup-client over the live room's `media:*` signalling: the leader publishes the camera
// and microphone; a viewer consumes whatever the leader produces, as it appears.
import { Device, type types } from 'mediasoup-client';
import type { LiveSocket } from '../live-socket.js';
import type { ProducerInfo } from '@lc/contracts/views';

interface TransportParams {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

async function loadDevice(live: LiveSocket): Promise<Device> {
  const { rtpCapabilities } = await live.request<{ rtpCapabilities: types.RtpCapabilities }>('media:rtpCapabilities');
  const device = new Device();
  await device.load({ routerRtpCapabilities: rtpCapabilities });
  return device;
}

function wireConnect(live: LiveSocket, transport: types.Transport): void {
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    live.request('media:connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
  });
}

/** The leader's outgoing stream. */
export class Publication {
  private constructor(
    private readonly transport: types.Transport,
    private readonly producers: types.Producer[],
  ) {}

  static async start(live: LiveSocket, stream: MediaStream): Promise<Publication> {
    const device = await loadDevice(live);
    const params = await live.request<TransportParams>('media:createTransport', { direction: 'send' });
    const transport = device.createSendTransport(params);
    wireConnect(live, transport);
    transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      live.request<{ id: string }>('media:produce', { transportId: transport.id, kind, rtpParameters }).then(callback, errback);
    });
    const producers: types.Producer[] = [];
    for (const track of stream.getTracks()) {
      producers.push(await transport.produce({ track, stopTracks: false }));
    }
    return new Publication(transport, producers);
  }

  get kinds(): string[] {
    return this.producers.map((p) => p.kind);
  }

  stop(): void {
    for (const p of this.producers) p.close();
    this.transport.close();
  }
}

/** A viewer's incoming stream: one MediaStream that gains the leader's tracks as they arrive. */
export class Viewing {
  readonly stream = new MediaStream();
  private transport: types.Transport | undefined;
  private device: Device | undefined;
  private readonly consumed = new Set<string>();
  private readonly consumers = new Map<string, types.Consumer>();
  private setup: Promise<void> | undefined;

  constructor(
    private readonly live: LiveSocket,
    private readonly onChange: (stream: MediaStream) => void,
  ) {
    live.on<ProducerInfo>('media:newProducer', (p) => void this.consume(p).catch((e) => console.warn('consume failed', e)));
    live.on<{ consumerId: string }>('media:consumerClosed', ({ consumerId }) => this.drop(consumerId));
    live.on<{ transportId: string }>('media:transportClosed', () => void this.restart());
    live.on('media:closed', () => this.reset());
  }

  /** Consumes every producer the room has now; later ones arrive through media:newProducer. */
  async start(): Promise<void> {
    await this.ensureTransport();
    const { producers } = await this.live.request<{ producers: ProducerInfo[] }>('media:producers');
    for (const p of producers) await this.consume(p);
  }

  private ensureTransport(): Promise<void> {
    this.setup ??= (async () => {
      this.device = await loadDevice(this.live);
      const params = await this.live.request<TransportParams>('media:createTransport', { direction: 'recv' });
      this.transport = this.device.createRecvTransport(params);
      wireConnect(this.live, this.transport);
    })().catch((e: unknown) => {
      this.setup = undefined;
      throw e;
    });
    return this.setup;
  }

  private async consume(producer: ProducerInfo): Promise<void> {
    if (this.consumed.has(producer.id)) return;
    this.consumed.add(producer.id);
    try {
      await this.ensureTransport();
      const params = await this.live.request<{ id: string; producerId: string; kind: 'audio' | 'video'; rtpParameters: types.RtpParameters }>(
        'media:consume',
        { transportId: this.transport!.id, producerId: producer.id, rtpCapabilities: this.device!.rtpCapabilities },
      );
      const consumer = await this.transport!.consume(params);
      this.consumers.set(consumer.id, consumer);
      // A new track replaces the previous one of its kind (the leader re-published).
      for (const old of this.stream.getTracks().filter((t) => t.kind === consumer.kind)) this.stream.removeTrack(old);
      this.stream.addTrack(consumer.track);
      await this.live.request('media:resumeConsumer', { consumerId: consumer.id });
      this.onChange(this.stream);
    } catch (e) {
      this.consumed.delete(producer.id);
      throw e;
    }
  }

  private drop(consumerId: string): void {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) return;
    consumer.close();
    this.consumers.delete(consumerId);
    this.consumed.delete(consumer.producerId);
    this.stream.removeTrack(consumer.track);
    this.onChange(this.stream);
  }

  private reset(): void {
    for (const id of [...this.consumers.keys()]) this.drop(id);
    this.transport?.close();
    this.transport = undefined;
    this.setup = undefined;
    this.consumed.clear();
  }

  /** The worker behind our transport died: rebuild and consume again. */
  private async restart(): Promise<void> {
    this.reset();
    await this.start().catch((e) => console.warn('media restart failed', e));
  }

  get trackKinds(): string[] {
    return this.stream.getTracks().map((t) => t.kind);
  }
}
