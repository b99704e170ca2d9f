// Access tokens that must no longer be honoured before their exp: every token of a user issued
// before their last "sign out everywhere" (a generation floor), and every token of a signed-out
// session. Kept in Redis for as long as a token can live, so all pods (gateway and live room) see
// the same; each pod caches what it read for `cacheMs`, and a revocation is broadcast on NATS so
// the other pods drop their copy at once. The window: a pod that missed the broadcast honours a
// revoked token for at most `cacheMs` more.
import { BoundedMap } from './bounded-map.js';
import type { EventBus } from './events.js';
import type { Redis } from './redis.js';

const CACHE_ENTRIES = 100_000;
const SUBJECT = 'identity.revoked';

/** How long a pod trusts what it read about revocations, unless told otherwise. */
export const REVOCATION_CACHE_MS = 5000;

/** What a revocation broadcast says: a user's new generation floor, or one of their sessions. */
export interface Revocation {
  userId: string;
  generation?: number;
  sessionId?: string;
}

export class TokenRevocations {
  private readonly floors = new BoundedMap<string, { generation: number; readAtMs: number }>(CACHE_ENTRIES);
  private readonly sessions = new BoundedMap<string, { revoked: boolean; readAtMs: number }>(CACHE_ENTRIES);
  private subscription: { unsubscribe(): void } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly bus: EventBus,
    /** How long a revocation is remembered: the longest an access token lives, with skew. */
    private readonly rememberSeconds: number,
    private readonly cacheMs = REVOCATION_CACHE_MS,
  ) {}

  /** Hears the other pods' revocations; `onRevoked` may close what the revoked tokens opened. */
  listen(onRevoked?: (revocation: Revocation) => void): void {
    this.subscription = this.bus.subscribe<Revocation>(SUBJECT, (r) => {
      this.learn(r);
      onRevoked?.(r);
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /** Whether a token of `userId` issued in `generation` (for `sessionId`, when it names one) still counts. */
  async admits(userId: string, generation: number, sessionId: string | undefined, nowMs = Date.now()): Promise<boolean> {
    const floor = this.floors.get(userId);
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    const floorFresh = floor && nowMs - floor.readAtMs < this.cacheMs;
    const sessionFresh = sessionId === undefined || (session && nowMs - session.readAtMs < this.cacheMs);
    if (floorFresh && sessionFresh) return generation >= floor.generation && !session?.revoked;
    const [storedFloor, storedSession] = await this.redis.mget(this.floorKey(userId), sessionId === undefined ? this.floorKey(userId) : this.sessionKey(sessionId));
    const generationFloor = Number(storedFloor ?? 0);
    this.floors.set(userId, { generation: generationFloor, readAtMs: nowMs });
    const revoked = sessionId !== undefined && storedSession !== null;
    if (sessionId !== undefined) this.sessions.set(sessionId, { revoked, readAtMs: nowMs });
    return generation >= generationFloor && !revoked;
  }

  /** The generation new tokens of the user are issued in, as far as revocations go. */
  async floorOf(userId: string): Promise<number> {
    return Number((await this.redis.get(this.floorKey(userId))) ?? 0);
  }

  async raiseFloor(userId: string, generation: number): Promise<void> {
    await this.redis.set(this.floorKey(userId), String(generation), 'EX', this.rememberSeconds);
    this.announce({ userId, generation });
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    await this.redis.set(this.sessionKey(sessionId), '1', 'EX', this.rememberSeconds);
    this.announce({ userId, sessionId });
  }

  private announce(r: Revocation): void {
    this.learn(r);
    this.bus.nc.publish(this.bus.subject(SUBJECT), JSON.stringify(r));
  }

  private learn(r: Revocation): void {
    const nowMs = Date.now();
    if (typeof r.userId === 'string' && typeof r.generation === 'number') {
      const known = this.floors.get(r.userId);
      this.floors.set(r.userId, { generation: Math.max(known?.generation ?? 0, r.generation), readAtMs: nowMs });
    }
    if (typeof r.sessionId === 'string') this.sessions.set(r.sessionId, { revoked: true, readAtMs: nowMs });
  }

  private floorKey(userId: string): string {
    return `${this.prefix}identity:floor:${userId}`;
  }

  private sessionKey(sessionId: string): string {
    return `${this.prefix}identity:revoked-session:${sessionId}`;
  }
}
