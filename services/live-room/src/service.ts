// Live-room service composition. Sessions, socket.io rooms and media arrive with issue 4; for
// now it owns its schema and reports health.
import { fileURLToPath } from 'node:url';
import { ServiceRuntime, type Logger } from '@lc/kit';
import type { LiveRoomConfig } from './config.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export async function startLiveRoom(config: LiveRoomConfig, logger?: Logger) {
  const runtime = await ServiceRuntime.create({ name: 'live-room', config, migrationsDir, redis: true, nats: true, ...(logger ? { logger } : {}) });
  await runtime.start([]);
  return { runtime };
}
