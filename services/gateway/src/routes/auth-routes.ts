// POST /auth/dev-login: tokens for the demo's users (dev and demo only).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '@lc/kit';
import type { Auth } from '../adapters/auth.js';
import { devUser } from '../domain/users.js';
import { registerRoutes } from './route-table.js';
import { id, parse } from './validation.js';

export function authRoutes(app: FastifyInstance, deps: { auth: Auth; devLogin: boolean }) {
  async function devLoginHandler(request: FastifyRequest) {
    if (!deps.devLogin) throw new DomainError('FORBIDDEN', 'dev login is disabled in production');
    const body = parse(z.object({ userId: id('userId') }), request.body);
    const user = devUser(body.userId);
    if (!user) throw new DomainError('NOT_FOUND', `userId: no such user ${body.userId} (try leader-1, warehouse-1, driver-1, admin-1 or buyer-<n>)`);
    return { token: await deps.auth.issue(user), user };
  }

  async function meHandler(request: FastifyRequest) {
    return { user: request.user };
  }

  registerRoutes(app, deps.auth, [
    { method: 'POST', url: '/api/v1/auth/dev-login', roles: 'public', handler: devLoginHandler },
    { method: 'GET', url: '/api/v1/me', roles: [], handler: meHandler },
  ]);
}
