// Rate limits shared by every pod: token buckets kept in Redis and taken in one Lua step, so a
// key's budget is the same whichever pod (or service) a request reaches.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { DomainError } from './errors.js';

const lua = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'token-bucket.lua'), 'utf8');

declare module 'ioredis' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match ioredis' declaration
  interface RedisCommander<Context> {
    lcTakeToken(key: string, perSecond: number, burst: number, cost: number): Promise<[number, number]>;
  }
}

export interface TokenTake {
  taken: boolean;
  /** How long until the take would succeed; 0 when it did. */
  retryAfterMs: number;
}

export class RedisTokenBuckets {
  /**
   * `keyPrefix` names the budget (e.g. `lc:order-rate:`); every process sharing a budget must use
   * the same prefix, rate and burst.
   */
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    readonly perSecond: number,
    readonly burst: number,
  ) {
    if (!(perSecond > 0)) throw new RangeError(`perSecond must be > 0, got ${perSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be >= 1, got ${burst}`);
    redis.defineCommand('lcTakeToken', { numberOfKeys: 1, lua });
  }

  /** Takes `cost` tokens from `key`'s bucket, or none when it has fewer. */
  async take(key: string, cost = 1): Promise<TokenTake> {
    let reply: [number, number];
    try {
      reply = await this.redis.lcTakeToken(`${this.keyPrefix}${key}`, this.perSecond, this.burst, cost);
    } catch {
      // Without the shared budget nothing is let through: a retry shortly will do.
      throw new DomainError('UNAVAILABLE', 'rate limits cannot be checked right now, try again');
    }
    return { taken: reply[0] === 1, retryAfterMs: reply[1] };
  }
}
