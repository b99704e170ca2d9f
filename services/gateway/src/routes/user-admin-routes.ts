// Admins add the people who are not buyers (buyers sign themselves up): leaders, warehouse staff,
// drivers and other admins, each with the phone they will sign in with.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AdminCreatedUser } from '@lc/contracts';
import type { Auth } from '../adapters/auth.js';
import type { IdentityStore } from '../adapters/identity-store.js';
import { phone } from './auth-routes.js';
import { registerRoutes } from './route-table.js';
import { id, parse } from './validation.js';

const newUserBody = z
  .object({
    id: id('id').regex(/^[a-z0-9][a-z0-9-]*$/, 'id must be lower-case letters, digits and dashes').optional(),
    phone,
    role: z.enum(['leader', 'warehouse', 'driver', 'admin'], { error: 'role must be leader, warehouse, driver or admin (buyers sign themselves up)' }),
    name: z.string({ error: 'name must be a string' }).trim().min(1, 'name is required').max(80, 'name is at most 80 characters'),
    warehouseId: id('warehouseId').optional(),
    pickupPointId: id('pickupPointId').optional(),
  })
  .refine((u) => u.role !== 'warehouse' || u.warehouseId, { message: 'warehouseId is required for warehouse staff', path: ['warehouseId'] });

export function userAdminRoutes(app: FastifyInstance, deps: { auth: Auth; store: IdentityStore }) {
  async function createUserHandler(request: FastifyRequest, reply: FastifyReply): Promise<AdminCreatedUser> {
    const body = parse(newUserBody, request.body);
    const user = await deps.store.createUser({ ...body, id: body.id ?? `${body.role}-${randomUUID()}` }, 'admin');
    void reply.code(201);
    return { id: user.id, phone: user.phone!, role: user.role, name: user.name, ...(user.warehouseId ? { warehouseId: user.warehouseId } : {}) };
  }

  registerRoutes(app, deps.auth, [{ method: 'POST', url: '/api/v1/admin/users', roles: ['admin'], handler: createUserHandler }]);
}
