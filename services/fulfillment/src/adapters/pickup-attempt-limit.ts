// How many pickup codes a leader may try per window, counted in Redis so every pod shares one
// count. A slot is taken atomically BEFORE the code is looked at: parallel guesses cannot all slip
// under the limit, and a guess over the limit is never evaluated.
import type { Redis } from '@lc/kit';

// A fixed window that starts with the first attempt; guesses over the limit still count, so the
// counter stays over the limit until the window ends.
const TAKE = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return redis.call('PTTL', KEYS[1]) end
return -1
`;

// A right code gives its slot back (a busy counter hands over hundreds of parcels a day); never
// below zero, and nothing when the window has already ended.
const REFUND = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`;

declare module 'ioredis' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match ioredis' declaration
  interface RedisCommander<Context> {
    lcPickupAttempt(key: string, windowMs: number, limit: number): Promise<number>;
    lcPickupRefund(key: string): Promise<number>;
  }
}

export type AttemptSlot = { granted: true } | { granted: false; retryAfterMs: number };

export class PickupAttemptLimit {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {
    redis.defineCommand('lcPickupAttempt', { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand('lcPickupRefund', { numberOfKeys: 1, lua: REFUND });
  }

  private key(leaderId: string): string {
    return `${this.prefix}pickup-attempts:{${leaderId}}`;
  }

  async take(leaderId: string): Promise<AttemptSlot> {
    const retryAfterMs = await this.redis.lcPickupAttempt(this.key(leaderId), this.windowMs, this.limit);
    return retryAfterMs < 0 ? { granted: true } : { granted: false, retryAfterMs: Math.max(1, retryAfterMs) };
  }

  async refund(leaderId: string): Promise<void> {
    await this.redis.lcPickupRefund(this.key(leaderId));
  }
}
