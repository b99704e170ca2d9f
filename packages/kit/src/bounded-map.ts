// A Map with a ceiling, for in-memory state that grows with users, sessions or pools (caches,
// boards, per-key counters): past the ceiling the least recently written entry goes, so memory
// stays bounded whatever traffic does. Only for state that may be forgotten (a cache miss or a
// fresh counter), never for state that must be kept.
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly maxEntries: number) {
    super();
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  override set(key: K, value: V): this {
    // Re-inserting moves the key to the young end of the insertion order.
    if (super.has(key)) super.delete(key);
    else if (this.size >= this.maxEntries) {
      const oldest = super.keys().next();
      if (!oldest.done) super.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
