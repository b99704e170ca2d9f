// Product proposals: a leader asks the warehouse serving their pickup point to stock a product for
// them; staff of that warehouse (or an operator) accept it, creating the product owned by the
// leader, or reject it with a reason. Each side sees only its own proposals.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import { PROPOSAL_STATUSES, proposalJson, type FulfillmentServiceClient, type InventoryServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { productTerms } from './catalog-routes.js';
import { actingWarehouse } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { id, parse, uuid } from './validation.js';


export function proposalRoutes(app: FastifyInstance, deps: { auth: Auth; inventory: RpcClient<InventoryServiceClient>; fulfillment: RpcClient<FulfillmentServiceClient> }) {
  const { auth, inventory, fulfillment } = deps;
  const byId = z.object({ id: uuid('id') });

  async function proposeProductHandler(request: FastifyRequest, reply: FastifyReply) {
    const body = parse(productTerms, request.body);
    const leaderId = currentUser(request).id;
    // The proposal goes to the warehouse that would stock and deliver it.
    const { pickupPoint } = await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId }, { idempotent: true });
    if (!pickupPoint) throw new DomainError('CONFLICT', 'open your pickup point first: proposals go to the warehouse serving it');
    const { proposal } = await inventory.call((c) => c.proposeProduct, {
      proposal: {
        id: '',
        leaderId,
        warehouseId: pickupPoint.warehouseId,
        name: body.name,
        description: body.description,
        imageUrls: body.imageUrls,
        skus: body.skus,
        status: '',
        reason: '',
        productId: '',
        decidedBy: '',
        createdAtMs: 0,
        decidedAtMs: 0,
      },
    });
    return reply.code(201).send(proposalJson(proposal!));
  }

  async function listProposalsHandler(request: FastifyRequest) {
    const user = currentUser(request);
    const q = parse(z.object({ warehouseId: id('warehouseId').optional(), status: z.enum(PROPOSAL_STATUSES, { error: 'status must be PENDING, ACCEPTED or REJECTED' }).optional() }), request.query);
    const filter =
      user.role === 'leader'
        ? { leaderId: user.id, warehouseId: '' }
        : { leaderId: '', warehouseId: user.role === 'admin' ? (q.warehouseId ?? '') : actingWarehouse(user, q.warehouseId) };
    const { proposals } = await inventory.call((c) => c.listProductProposals, { ...filter, status: q.status ?? '' }, { idempotent: true });
    return { proposals: proposals.map(proposalJson) };
  }

  async function acceptProposalHandler(request: FastifyRequest, reply: FastifyReply) {
    const { id: proposalId } = parse(byId, request.params);
    const user = currentUser(request);
    const { proposal, product } = await inventory.call((c) => c.decideProductProposal, {
      id: proposalId,
      warehouseId: user.role === 'admin' ? '' : actingWarehouse(user, undefined),
      decidedBy: user.id,
      accept: true,
      reason: '',
    });
    return reply.code(201).send({ proposal: proposalJson(proposal!), product });
  }

  async function rejectProposalHandler(request: FastifyRequest) {
    const { id: proposalId } = parse(byId, request.params);
    const { reason } = parse(z.object({ reason: z.string({ error: 'reason is required' }).trim().min(1, 'reason is required').max(500) }), request.body);
    const user = currentUser(request);
    const { proposal } = await inventory.call((c) => c.decideProductProposal, {
      id: proposalId,
      warehouseId: user.role === 'admin' ? '' : actingWarehouse(user, undefined),
      decidedBy: user.id,
      accept: false,
      reason,
    });
    return { proposal: proposalJson(proposal!) };
  }

  registerRoutes(app, auth, [
    { method: 'POST', url: '/api/v1/product-proposals', roles: ['leader'], handler: proposeProductHandler },
    { method: 'GET', url: '/api/v1/product-proposals', roles: ['leader', 'warehouse', 'admin'], handler: listProposalsHandler },
    { method: 'POST', url: '/api/v1/product-proposals/:id/accept', roles: ['warehouse', 'admin'], handler: acceptProposalHandler },
    { method: 'POST', url: '/api/v1/product-proposals/:id/reject', roles: ['warehouse', 'admin'], handler: rejectProposalHandler },
  ]);
}
