// A room's shared, short-lived state in Redis, so every live-room pod sees the same thing: who is
// muted, how many messages a user sent in the current window, recent chat, viewers per pod, and
// which pod owns a session's media. Keys carry REDIS_PREFIX so tests and tenants stay apart.
import type { Redis } from '@lc/kit';
import type { ChatMessage, Mute } from '@lc/contracts';

export type { ChatMessage, Mute };

/** A pod's viewer count older than this is from a pod that died; it no longer counts. */
const VIEWER_FIELD_TTL_MS = 30_000;

export class RoomState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly chatHistory: number,
  ) {}

  private key(...parts: string[]): string {
    return `${this.prefix}live:${parts.join(':')}`;
  }

  async mute(sessionId: string, userId: string, mute: Mute, nowMs: number): Promise<void> {
    await this.redis.set(this.key('mute', sessionId, userId), JSON.stringify(mute), 'PX', Math.max(1, mute.untilMs - nowMs));
  }

  async unmute(sessionId: string, userId: string): Promise<void> {
    await this.redis.del(this.key('mute', sessionId, userId));
  }

  async muteOf(sessionId: string, userId: string): Promise<Mute | null> {
    const raw = await this.redis.get(this.key('mute', sessionId, userId));
    return raw === null ? null : (JSON.parse(raw) as Mute);
  }

  /**
   * Counts one message in the user's fixed window; returns the wait before the next one is
   * allowed, or 0 when this one is. Fixed windows are enough for chat and cost one round trip.
   */
  async takeChatSlot(userId: string, limit: number, windowMs: number, nowMs: number): Promise<number> {
    const window = Math.floor(nowMs / windowMs);
    const key = this.key('chat-rate', userId, String(window));
    const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, windowMs).exec()) as [[Error | null, number], unknown];
    return count <= limit ? 0 : (window + 1) * windowMs - nowMs;
  }

  async appendChat(message: ChatMessage): Promise<void> {
    if (this.chatHistory === 0) return;
    const key = this.key('chat', message.sessionId);
    await this.redis.multi().rpush(key, JSON.stringify(message)).ltrim(key, -this.chatHistory, -1).pexpire(key, 7 * 86_400_000).exec();
  }

  async recentChat(sessionId: string): Promise<ChatMessage[]> {
    const raw = await this.redis.lrange(this.key('chat', sessionId), 0, -1);
    return raw.map((r) => JSON.parse(r) as ChatMessage);
  }

  /** Removes a message from the history; false when it is not there (too old or unknown). */
  async deleteChat(sessionId: string, messageId: string): Promise<boolean> {
    const key = this.key('chat', sessionId);
    const raw = await this.redis.lrange(key, 0, -1);
    const hit = raw.find((r) => (JSON.parse(r) as ChatMessage).id === messageId);
    if (hit === undefined) return false;
    await this.redis.lrem(key, 1, hit);
    return true;
  }

  /** Records this pod's viewers of a session and returns the total over live pods. */
  async reportViewers(sessionId: string, podId: string, count: number, nowMs: number): Promise<number> {
    const key = this.key('viewers', sessionId);
    const multi = this.redis.multi();
    if (count > 0) multi.hset(key, podId, `${count}:${nowMs}`);
    else multi.hdel(key, podId);
    multi.pexpire(key, VIEWER_FIELD_TTL_MS * 4).hgetall(key);
    const results = (await multi.exec()) ?? [];
    const all = (results.at(-1)?.[1] ?? {}) as Record<string, string>;
    return sumViewers(all, nowMs);
  }

  async viewers(sessionId: string, nowMs: number): Promise<number> {
    return sumViewers(await this.redis.hgetall(this.key('viewers', sessionId)), nowMs);
  }

  /** The pod owning the session's media; claims it for `podId` when nobody does and `podId` may. */
  async mediaOwner(sessionId: string, podId: string | undefined, ttlMs: number): Promise<string | null> {
    const key = this.key('media-owner', sessionId);
    if (podId !== undefined) {
      const claimed = await this.redis.set(key, podId, 'PX', ttlMs, 'NX');
      if (claimed === 'OK') return podId;
    }
    return this.redis.get(key);
  }

  async keepMediaOwner(sessionId: string, podId: string, ttlMs: number): Promise<void> {
    const key = this.key('media-owner', sessionId);
    // Only extend our own claim; another pod may have taken over after a pause.
    if ((await this.redis.get(key)) === podId) await this.redis.pexpire(key, ttlMs);
  }

  async releaseMediaOwner(sessionId: string, podId: string): Promise<void> {
    const key = this.key('media-owner', sessionId);
    if ((await this.redis.get(key)) === podId) await this.redis.del(key);
  }
}

function sumViewers(fields: Record<string, string>, nowMs: number): number {
  let total = 0;
  for (const value of Object.values(fields)) {
    const [count, at] = value.split(':').map(Number);
    if (count !== undefined && at !== undefined && nowMs - at < VIEWER_FIELD_TTL_MS) total += count;
  }
  return total;
}
