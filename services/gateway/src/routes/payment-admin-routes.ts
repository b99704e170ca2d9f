// Admin payment endpoints: the reconciliation of provider and order states.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RpcClient } from '@lc/kit';
import type { OrderServiceClient } from '@lc/contracts';
import type { Auth } from '../adapters/auth.js';
import { registerRoutes } from './route-table.js';
import { parse } from './validation.js';

const query = z.object({
  limit: z.coerce.number({ error: 'limit must be an integer' }).int('limit must be an integer').min(1, 'limit must be at least 1').max(1000, 'limit must be at most 1000').optional(),
});

export function paymentAdminRoutes(app: FastifyInstance, deps: { auth: Auth; orders: RpcClient<OrderServiceClient> }) {
  const { auth, orders } = deps;

  async function reconcilePaymentsHandler(request: FastifyRequest) {
    const { limit } = parse(query, request.query);
    return orders.call((c) => c.reconcilePayments, { limit: limit ?? 200 }, { idempotent: true });
  }

  registerRoutes(app, auth, [
    { method: 'GET', url: '/api/v1/admin/payments/reconciliation', roles: ['admin'], handler: reconcilePaymentsHandler },
  ]);
}
