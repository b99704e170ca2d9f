// The `state` of a WeChat OAuth round trip: one per "link WeChat" click, bound to the user who
// clicked, usable once and for a few minutes. WeChat hands it back untouched with the code, so a
// link request whose state this pod cannot verify (forged, another user's, used, expired) is
// refused before WeChat is asked anything. State must be letters and digits, at most 128 bytes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from '@lc/kit';

const NONCE_BYTES = 16;
const SIGNATURE_HEX = 32;

export class WeChatLinkStates {
  private readonly key: Buffer;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    secret: string,
    private readonly ttlSeconds = 600,
  ) {
    // Its own key, derived from the gateway's secret, so a state's signature is never a token's.
    this.key = createHmac('sha256', secret).update('wechat-link-state').digest();
  }

  private sign(userId: string, nonce: string): string {
    return createHmac('sha256', this.key).update(`${userId}.${nonce}`).digest('hex').slice(0, SIGNATURE_HEX);
  }

  private redisKey(nonce: string): string {
    return `${this.prefix}wechat-link-state:${nonce}`;
  }

  async issue(userId: string): Promise<string> {
    const nonce = randomBytes(NONCE_BYTES).toString('hex');
    await this.redis.set(this.redisKey(nonce), userId, 'EX', this.ttlSeconds);
    return `${nonce}${this.sign(userId, nonce)}`;
  }

  /** True once for a state `issue(userId)` gave out within its lifetime; false ever after. */
  async consume(userId: string, state: string): Promise<boolean> {
    if (!new RegExp(`^[0-9a-f]{${NONCE_BYTES * 2 + SIGNATURE_HEX}}$`).test(state)) return false;
    const nonce = state.slice(0, NONCE_BYTES * 2);
    const given = Buffer.from(state.slice(NONCE_BYTES * 2));
    if (!timingSafeEqual(given, Buffer.from(this.sign(userId, nonce)))) return false;
    // GET and DEL in one transaction: two requests with the same state cannot both read it.
    const results = await this.redis.multi().get(this.redisKey(nonce)).del(this.redisKey(nonce)).exec();
    return results?.[0]?.[1] === userId;
  }
}
