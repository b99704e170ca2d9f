// LeaderDashboardService gRPC handler: who asks is checked by the dashboard (a leader only their
// own; an admin anyone).
import { DomainError, unaryService, type Logger } from '@lc/kit';
import type { LeaderDashboardServiceServer } from '@lc/contracts';
import type { Dashboard } from '../dashboard.js';

export function dashboardRpc(dashboard: Dashboard, logger: Logger): LeaderDashboardServiceServer {
  return unaryService<LeaderDashboardServiceServer>(
    {
      async getLeaderDashboard(req) {
        if (!req.leaderId) throw new DomainError('INVALID_ARGUMENT', 'leaderId: required');
        return dashboard.get(req.actor, req.leaderId);
      },
    },
    logger,
  );
}
