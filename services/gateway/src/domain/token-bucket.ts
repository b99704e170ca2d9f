// Per-key token buckets for limits local to one process (order placement shares a Redis bucket
// instead: kit's RedisTokenBuckets). Pure: time is passed in.
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 200_000,
  ) {}

  /** Takes one token for `key` at time `nowMs`; false when the key is over its rate. */
  take(key: string, nowMs: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
    b.at = nowMs;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.evictFull(nowMs);
    // Still full of draining buckets (a flood of distinct keys): the oldest goes, so the map stays
    // within maxKeys; a forgotten key only gets a fresh bucket.
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(key, b);
    return allowed;
  }

  /** Whether `key` has a token at `nowMs`, without taking it (for limits that charge failures only). */
  has(key: string, nowMs: number): boolean {
    const b = this.buckets.get(key);
    return !b || b.tokens + ((nowMs - b.at) / 1000) * this.perSecond >= 1;
  }

  /** Buckets that have refilled carry no information and can go. */
  private evictFull(nowMs: number) {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
