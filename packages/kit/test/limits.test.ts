// The kit's limits: bounded maps keep their ceiling, and Redis token buckets give one budget to
// every client that shares a key (two connections stand in for two pods).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { BoundedMap, DomainError, RedisTokenBuckets } from '../src/index.js';
import { isolate } from '../../../test-support/isolation.js';

describe('kit limits', () => {
  const iso = isolate();
  const redisUrl = iso.env('kit').REDIS_URL!;
  const clients: Redis[] = [];
  const client = () => {
    const r = new Redis(redisUrl);
    clients.push(r);
    return r;
  };
  after(async () => {
    for (const c of clients) c.disconnect();
    await iso.cleanup();
  });

  it('bounded map - inserting past the bound keeps its size at the bound, dropping the least recently written', () => {
    const map = new BoundedMap<string, number>(100);
    for (let i = 0; i < 1000; i++) {
      map.set(`k${i}`, i);
      assert.ok(map.size <= 100);
    }
    assert.equal(map.size, 100);
    assert.equal(map.has('k899'), false);
    assert.equal(map.get('k999'), 999);
    map.set('k900', -1); // rewriting makes it the youngest
    map.set('new', 0);
    assert.equal(map.has('k900'), true);
    assert.equal(map.has('k901'), false);
    assert.throws(() => new BoundedMap(0), /maxEntries/);
  });

  it('token bucket - two clients share one burst per key; other keys are untouched; tokens come back at the rate', async () => {
    const prefix = `${iso.id}:rate:`;
    const a = new RedisTokenBuckets(client(), prefix, 20, 5);
    const b = new RedisTokenBuckets(client(), prefix, 20, 5);
    const takes = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take('buyer-1')));
    assert.equal(takes.filter((t) => t.taken).length, 5, 'one burst across both clients');
    const refused = takes.find((t) => !t.taken)!;
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 50, `retry after ${refused.retryAfterMs} ms`);
    assert.equal((await a.take('buyer-2')).taken, true, 'another key has its own bucket');
    await new Promise((r) => setTimeout(r, 120));
    const later = await Promise.all(Array.from({ length: 5 }, () => b.take('buyer-1')));
    const back = later.filter((t) => t.taken).length;
    assert.ok(back >= 2 && back <= 4, `${back} tokens back after 120 ms at 20/s`);
    const ttl = await client().pttl(`${prefix}buyer-1`);
    assert.ok(ttl > 0 && ttl <= 1000 + 5 * 50, `the bucket expires once it would be full again (pttl ${ttl})`);
  });

  it('token bucket - without Redis a take is refused UNAVAILABLE rather than let through', async () => {
    const away = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    away.on('error', () => undefined);
    clients.push(away);
    const buckets = new RedisTokenBuckets(away, 'x:', 1, 1);
    await assert.rejects(buckets.take('buyer-1'), (e: unknown) => e instanceof DomainError && e.code === 'UNAVAILABLE');
  });
});
