// The leader dashboard (issue 15 point 7): a leader reads only their own, an admin anyone's; the
// leader service checks the same again, as it is told who asks.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import type { LeaderDashboardServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actorOf } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { id, parse } from './validation.js';

export function leaderDashboardRoutes(app: FastifyInstance, deps: { auth: Auth; dashboard: RpcClient<LeaderDashboardServiceClient> }) {
  const { auth, dashboard } = deps;

  async function leaderDashboardHandler(request: FastifyRequest) {
    const user = currentUser(request);
    const { leaderId } = parse(z.object({ leaderId: id('leaderId') }), request.params);
    if (user.role === 'leader' && user.id !== leaderId) throw new DomainError('FORBIDDEN', 'a leader sees only their own dashboard');
    return dashboard.call((c) => c.getLeaderDashboard, { actor: actorOf(user), leaderId }, { idempotent: true });
  }

  registerRoutes(app, auth, [{ method: 'GET', url: '/api/v1/leaders/:leaderId/dashboard', roles: ['leader', 'admin'], handler: leaderDashboardHandler }]);
}
