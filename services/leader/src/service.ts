// Leader service composition: leaders, the order-event consumer and the gRPC server.
import { fileURLToPath } from 'node:url';
import { ServiceRuntime, type Logger } from '@lc/kit';
import { LeaderServiceService } from '@lc/contracts';
import { LeaderStore } from './adapters/leader-store.js';
import { consumeOrderEvents } from './adapters/order-consumer.js';
import type { LeaderConfig } from './config.js';
import { Leaders } from './leaders.js';
import { leaderRpc } from './rpc/leader-rpc.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

export async function startLeader(config: LeaderConfig, logger?: Logger) {
  const runtime = await ServiceRuntime.create({ name: 'leader', config, migrationsDir, nats: true, ...(logger ? { logger } : {}) });
  const pool = runtime.pool!;
  const leaders = new Leaders(new LeaderStore(pool), config.DEFAULT_LEADER_ZONE);

  runtime.addConsumer(await consumeOrderEvents(runtime.bus!, async (event) => {
    if (event.leaderId) await leaders.ensure(event.leaderId, event.atMs);
  }));

  await runtime.start([{ definition: LeaderServiceService, implementation: leaderRpc({ leaders }, runtime.logger) }]);
  return { runtime, leaders };
}
