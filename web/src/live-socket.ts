// The socket.io connection to the live-room service: JWT auth, request/ack calls that turn
// `{ok:false}` into a LiveError, and where to find the service.
import { io, type Socket } from 'socket.io-client';
import { refusal } from './format.js';

type Ack<T> = { ok: true; data: T } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export class LiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'LiveError';
  }

  get explanation(): string {
    return refusal(this.code, this.message);
  }
}

/**
 * The live-room base URL: `?rt=` on the page (tests, multi-pod demos), else what the gateway's
 * /api/v1/config announces, else this host on the live room's default port.
 */
export async function liveRoomUrl(): Promise<string> {
  const given = new URLSearchParams(location.search).get('rt');
  if (given) return given;
  try {
    const r = await fetch('/api/v1/config');
    if (r.ok) {
      const config = (await r.json()) as { liveRoomUrl?: string };
      if (config.liveRoomUrl) return config.liveRoomUrl;
    }
  } catch {
    // no config endpoint: fall through to the default
  }
  return `${location.protocol}//${location.hostname}:8081`;
}

export class LiveSocket {
  private constructor(readonly socket: Socket) {}

  /** Connects and resolves once authenticated; rejects with the server's reason (e.g. UNAUTHENTICATED). */
  static async connect(url: string, token: string): Promise<LiveSocket> {
    const socket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error & { data?: { code?: string } }) => {
        // A refused handshake is final; a network failure keeps retrying on its own.
        if (err.data?.code || err.message === 'UNAUTHENTICATED') {
          socket.off('connect', onConnect);
          socket.close();
          reject(new LiveError(err.data?.code ?? 'UNAUTHENTICATED', err.message));
        }
      };
      const onConnect = () => {
        socket.off('connect_error', onError);
        resolve();
      };
      socket.once('connect', onConnect);
      socket.on('connect_error', onError);
    });
    return new LiveSocket(socket);
  }

  async request<T>(event: string, payload: object = {}, timeoutMs = 10_000): Promise<T> {
    let ack: Ack<T>;
    try {
      ack = (await this.socket.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
    } catch {
      throw new LiveError('UNAVAILABLE', `${event}: no answer in ${timeoutMs / 1000} s`);
    }
    if (!ack.ok) throw new LiveError(ack.code, ack.message, ack.details);
    return ack.data;
  }

  on<T>(event: string, handler: (payload: T) => void): void {
    this.socket.on(event, handler as (...args: unknown[]) => void);
  }

  get connected(): boolean {
    return this.socket.connected;
  }
}

/**
 * The server's clock as seen from here: countdowns must use it, since a phone's clock can be
 * minutes off. Takes the estimate from the sample with the shortest round trip.
 */
export class ServerClock {
  private offsetMs = 0;
  private bestRttMs = Number.POSITIVE_INFINITY;

  /** `sentAtMs`/`receivedAtMs` bracket the request whose answer carried `serverNowMs`. */
  sample(serverNowMs: number, sentAtMs: number = Date.now(), receivedAtMs: number = Date.now()): void {
    const rtt = Math.max(0, receivedAtMs - sentAtMs);
    if (rtt > this.bestRttMs) return;
    this.bestRttMs = rtt;
    this.offsetMs = serverNowMs - (sentAtMs + receivedAtMs) / 2;
  }

  /** A pushed time with unknown transit: only used until a timed sample exists. */
  pushed(serverNowMs: number): void {
    if (this.bestRttMs === Number.POSITIVE_INFINITY) this.offsetMs = serverNowMs - Date.now();
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get offset(): number {
    return this.offsetMs;
  }
}

export function describeLiveError(e: unknown): string {
  if (e instanceof LiveError) return e.explanation;
  return e instanceof Error ? e.message : String(e);
}
