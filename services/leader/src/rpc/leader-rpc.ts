// LeaderService gRPC handlers: each a thin call into the leader modules.
import { unaryService, type Logger } from '@lc/kit';
import type { LeaderServiceServer } from '@lc/contracts';
import type { Leaders } from '../leaders.js';

export function leaderRpc(m: { leaders: Leaders }, logger: Logger): LeaderServiceServer {
  const { leaders } = m;
  return unaryService<LeaderServiceServer>(
    {
      async getLeader(req) {
        return { leader: await leaders.get(req.actor, req.leaderId) };
      },
    },
    logger,
  );
}
