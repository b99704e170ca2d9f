// The marks the order service leaves for keys it was asked to place a flash-sale order for: what
// lets a sold-out front door answer fresh taps from memory yet send any retry on, on any pod.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TriedKeys } from '../src/clients/order-placement.js';
import { REDIS_URL } from '../../../test-support/isolation.js';

describe('tried keys', () => {
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL);
  const otherRedis = new Redis(REDIS_URL);
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    otherRedis.disconnect();
  });

  it('tried keys - a key one pod remembers is known to another, for that buyer only, and expires', async () => {
    const onePod = new TriedKeys(redis, prefix, 60);
    const otherPod = new TriedKeys(otherRedis, prefix, 60);
    await onePod.remember('buyer-1', 'tap-1');
    assert.equal(await otherPod.has('buyer-1', 'tap-1'), true);
    assert.equal(await otherPod.has('buyer-2', 'tap-1'), false, 'another buyer with the same key');
    assert.equal(await otherPod.has('buyer-1', 'tap-2'), false, 'another key of the same buyer');
    const ttl = await redis.ttl(`${prefix}tried:buyer-1:tap-1`);
    assert.ok(ttl > 0 && ttl <= 60, `expires (ttl ${ttl})`);
  });
});
