// Fulfillment service composition. Its domain (waves, pick lists, routes) arrives with issue 5;
// for now it owns its schema and reports health.
import { fileURLToPath } from 'node:url';
import { ServiceRuntime, type Logger } from '@lc/kit';
import type { FulfillmentConfig } from './config.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export async function startFulfillment(config: FulfillmentConfig, logger?: Logger) {
  const runtime = await ServiceRuntime.create({ name: 'fulfillment', config, migrationsDir, nats: true, ...(logger ? { logger } : {}) });
  await runtime.start([]);
  return { runtime };
}
