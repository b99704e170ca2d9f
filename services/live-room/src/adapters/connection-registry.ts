// How many sockets each user has open over every live-room pod, kept in Redis so the per-user
// connection cap holds whichever pod a socket lands on. Claims lapse unless refreshed, so the
// sockets of a pod that died stop counting within one claim lifetime.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from '@lc/kit';

const lua = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'connection-claim.lua'), 'utf8');

declare module 'ioredis' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match ioredis' declaration
  interface RedisCommander<Context> {
    lcConnectionClaim(key: string, socketId: string, max: number, ttlMs: number, mode: 'claim' | 'refresh'): Promise<number>;
  }
}

export const CONNECTION_CLAIM_TTL_MS = 60_000;

export class ConnectionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly maxPerUser: number,
    readonly claimTtlMs = CONNECTION_CLAIM_TTL_MS,
  ) {
    redis.defineCommand('lcConnectionClaim', { numberOfKeys: 1, lua });
  }

  private key(userId: string): string {
    return `${this.prefix}live:connections:${userId}`;
  }

  /** Records a new socket of `userId`; false when the user already has the most allowed. */
  async claim(userId: string, socketId: string): Promise<boolean> {
    return (await this.redis.lcConnectionClaim(this.key(userId), socketId, this.maxPerUser, this.claimTtlMs, 'claim')) === 1;
  }

  async release(userId: string, socketId: string): Promise<void> {
    await this.redis.zrem(this.key(userId), socketId);
  }

  /** Keeps the claims of this pod's open sockets from lapsing. */
  async refresh(sockets: { userId: string; socketId: string }[]): Promise<void> {
    if (!sockets.length) return;
    const pipeline = this.redis.pipeline();
    for (const s of sockets) void pipeline.lcConnectionClaim(this.key(s.userId), s.socketId, this.maxPerUser, this.claimTtlMs, 'refresh');
    await pipeline.exec();
  }

  async count(userId: string): Promise<number> {
    return this.redis.zcount(this.key(userId), Date.now(), '+inf');
  }
}
