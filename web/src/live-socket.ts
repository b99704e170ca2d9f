// The socket.io connection to the live-room service: JWT auth, request/ack calls that turn
// `{ok:false}` into a LiveError, and where to find the service.
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '@lc/contracts/views';
import { refusal } from './format.js';

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

/** When a token stops being valid (ms), or undefined when it cannot be read. */
function tokenExpiry(token: string): { expMs: number; lifeMs: number } | undefined {
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; iat?: number };
    if (claims.exp === undefined) return undefined;
    return { expMs: claims.exp * 1000, lifeMs: (claims.exp - (claims.iat ?? Date.now() / 1000)) * 1000 };
  } catch {
    return undefined;
  }
}

export class LiveSocket {
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  // Set when the page closes the socket itself: renewal stops, so nothing keeps running for it.
  private closedByClient = false;
  private readonly reconnected: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    private readonly auth: { token: string },
    private readonly freshToken?: () => Promise<string>,
  ) {
    socket.io.on('reconnect', () => this.afterReconnect());
    socket.on('connect', () => (this.closedByClient = false));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') return;
      this.closedByClient = true;
      clearTimeout(this.refreshTimer);
    });
    // The server closes a socket whose token ran out (`auth:expired`, e.g. after the laptop slept
    // through the refresh): come back with a fresh token, as a reconnect.
    socket.on('auth:expired', () => {
      clearTimeout(this.refreshTimer);
      if (!this.freshToken) return;
      const closed = new Promise<void>((resolve) => (socket.connected ? socket.once('disconnect', () => resolve()) : resolve()));
      void closed.then(() => this.reconnectWithFreshToken());
    });
  }

  /**
   * Connects and resolves once authenticated; rejects with the server's reason (e.g. UNAUTHENTICATED).
   * With `freshToken`, the socket renews its token (`auth:refresh`) shortly before it expires, so
   * the server does not close it.
   */
  static async connect(url: string, token: string, freshToken?: () => Promise<string>): Promise<LiveSocket> {
    const auth = { token };
    // A function, so every reconnect presents the newest token rather than the first one.
    const socket = io(url, { path: '/socket.io', auth: (cb) => cb({ token: auth.token }), transports: ['websocket'] });
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
    const live = new LiveSocket(socket, auth, freshToken);
    live.scheduleRefresh();
    return live;
  }

  /** Runs `handler` whenever the socket is connected again (its rooms must be joined anew). */
  onReconnect(handler: () => void): void {
    this.reconnected.push(handler);
  }

  private afterReconnect(): void {
    this.scheduleRefresh();
    for (const handler of this.reconnected) handler();
  }

  private reconnectWithFreshToken(): void {
    this.freshToken!().then(
      (token) => {
        this.auth.token = token;
        this.socket.once('connect', () => this.afterReconnect());
        this.socket.connect();
      },
      // Offline or signed out: keep trying, as socket.io does for a dropped connection.
      () => {
        if (!this.closedByClient) this.refreshTimer = setTimeout(() => this.reconnectWithFreshToken(), 5_000);
      },
    );
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const expiry = tokenExpiry(this.auth.token);
    if (!this.freshToken || expiry === undefined || this.closedByClient) return;
    // A minute ahead for real tokens, a quarter of the life for short ones.
    const leadMs = Math.min(60_000, expiry.lifeMs / 4);
    this.refreshTimer = setTimeout(() => void this.refresh(), Math.max(0, expiry.expMs - leadMs - Date.now()));
  }

  private async refresh(): Promise<void> {
    try {
      const token = await this.freshToken!();
      if (this.socket.connected) await this.request('auth:refresh', { token });
      this.auth.token = token;
      this.scheduleRefresh();
    } catch {
      // Try again shortly; if the token runs out first, `auth:expired` reconnects.
      if (!this.closedByClient) this.refreshTimer = setTimeout(() => void this.refresh(), 5_000);
    }
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
