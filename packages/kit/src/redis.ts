// Redis client set-up: commands fail fast while Redis is away instead of queueing without bound.
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

export { Redis };

export function createRedis(url: string, logger: Logger, options: { autoPipelining?: boolean } = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    // Commands issued in the same tick (a batch of reservations) go out in one write.
    enableAutoPipelining: options.autoPipelining ?? false,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  let warned = false;
  redis.on('error', (err) => {
    if (!warned) logger.warn({ err: err.message }, 'redis connection problem');
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });
  return redis;
}
