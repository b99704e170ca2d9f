// The marks the order service leaves for keys that placed a flash-sale order: what lets a
// sold-out front door answer losers from memory yet hand a winner's retry its order, on any pod.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { PlacedKeys } from '../src/clients/order-placement.js';
import { REDIS_URL } from '../../../test-support/isolation.js';

describe('placed keys', () => {
  const prefix = `t${randomBytes(4).toString('hex')}:`;
  const redis = new Redis(REDIS_URL);
  const otherRedis = new Redis(REDIS_URL);
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    otherRedis.disconnect();
  });

  it('placed keys - a key one pod remembers is known to another, for that buyer only, and expires', async () => {
    const onePod = new PlacedKeys(redis, prefix, 60);
    const otherPod = new PlacedKeys(otherRedis, prefix, 60);
    await onePod.remember('buyer-1', 'tap-1');
    assert.equal(await otherPod.has('buyer-1', 'tap-1'), true);
    assert.equal(await otherPod.has('buyer-2', 'tap-1'), false, 'another buyer with the same key');
    assert.equal(await otherPod.has('buyer-1', 'tap-2'), false, 'another key of the same buyer');
    const ttl = await redis.ttl(`${prefix}placed:buyer-1:tap-1`);
    assert.ok(ttl > 0 && ttl <= 60, `expires (ttl ${ttl})`);
  });
});
