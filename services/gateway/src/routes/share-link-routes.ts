// Leaders' share links, the buyer's "我的团长" and a leader's customers. A link is signed by the
// order service (which owns the binding it makes) for the signed-in leader only; customers come
// from the leader service's read model, a leader's own only (an admin's any).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import {
  leaderCustomerJson,
  type FulfillmentServiceClient,
  type InventoryServiceClient,
  type LeaderCustomerServiceClient,
  type LeaderCustomersPage,
  type LiveRoomServiceClient,
  type MyLeaderView,
  type ShareLinkServiceClient,
  type ShareLinkView,
} from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import type { IdentityStore } from '../adapters/identity-store.js';
import { registerRoutes } from './route-table.js';
import { id, parse, uuid } from './validation.js';

const read = { idempotent: true } as const;

const shareLinkBody = z.object({
  // Only ever the caller: a leader names themself or nobody.
  leaderId: id('leaderId').optional(),
  liveSessionId: z.string().min(1, 'liveSessionId must not be empty').max(100).optional(),
  skuId: uuid('skuId').optional(),
  ttlHours: z.number({ error: 'ttlHours must be a whole number of hours' }).int('ttlHours must be a whole number of hours').min(1, 'ttlHours must be at least 1').max(720, 'ttlHours must be at most 720 (30 days)').optional(),
});
const leaderParams = z.object({ leaderId: id('leaderId') });
const pageQuery = z.object({
  page: z.coerce.number({ error: 'page must be an integer' }).int('page must be an integer').min(1, 'page must be at least 1').default(1),
  pageSize: z.coerce.number({ error: 'pageSize must be an integer' }).int('pageSize must be an integer').min(1, 'pageSize must be from 1 to 100').max(100, 'pageSize must be from 1 to 100').default(20),
});

export function shareLinkRoutes(
  app: FastifyInstance,
  deps: {
    auth: Auth;
    shareLinks: RpcClient<ShareLinkServiceClient>;
    customers: RpcClient<LeaderCustomerServiceClient>;
    liveRoom: RpcClient<LiveRoomServiceClient>;
    inventory: RpcClient<InventoryServiceClient>;
    fulfillment: RpcClient<FulfillmentServiceClient>;
    identity: IdentityStore;
  },
) {
  const { shareLinks, customers, liveRoom, inventory, fulfillment, identity } = deps;

  async function createShareLinkHandler(request: FastifyRequest, reply: FastifyReply) {
    const leader = currentUser(request);
    const body = parse(shareLinkBody, request.body);
    if (body.leaderId && body.leaderId !== leader.id) throw new DomainError('FORBIDDEN', 'leaderId: a leader makes links only for themself');
    if (body.liveSessionId) {
      const { liveSession } = await liveRoom.call((c) => c.getLiveSession, { id: body.liveSessionId! }, read);
      // Another leader's session would let this link take their buyers.
      if (liveSession?.leaderId !== leader.id) throw new DomainError('FORBIDDEN', `liveSessionId: not a live session of leader ${leader.id}`);
    }
    if (body.skuId) {
      const { categories } = await inventory.call((c) => c.getSkuCategories, { skuIds: [body.skuId!] }, read);
      if (!(body.skuId in categories)) throw new DomainError('INVALID_ARGUMENT', `skuId: no SKU ${body.skuId}`);
    }
    const made = await shareLinks.call((c) => c.createShareLink, {
      leaderId: leader.id,
      liveSessionId: body.liveSessionId ?? '',
      skuId: body.skuId ?? '',
      ttlSeconds: (body.ttlHours ?? 0) * 3600,
    });
    const link: ShareLinkView = {
      leaderId: leader.id,
      token: made.token,
      url: shareUrl(leader.id, made.token, body.liveSessionId, body.skuId),
      liveSessionId: body.liveSessionId ?? null,
      skuId: body.skuId ?? null,
      expiresAt: new Date(made.expiresAtMs).toISOString(),
    };
    return reply.code(201).send(link);
  }

  async function myLeaderHandler(request: FastifyRequest): Promise<MyLeaderView> {
    const buyer = currentUser(request);
    const binding = await shareLinks.call((c) => c.getBuyerLeader, { buyerId: buyer.id }, read);
    if (!binding.leaderId) return { leader: null, boundAt: null, pickupPoint: null };
    const [user, { pickupPoint: p }] = await Promise.all([
      identity.userById(binding.leaderId),
      fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId: binding.leaderId }, read),
    ]);
    return {
      leader: { id: binding.leaderId, name: user?.name ?? binding.leaderId },
      boundAt: new Date(binding.boundAtMs).toISOString(),
      pickupPoint: p ? { id: p.id, name: p.name, address: p.address, opensAt: p.opensAt, closesAt: p.closesAt } : null,
    };
  }

  async function customersOf(leaderId: string, query: unknown): Promise<LeaderCustomersPage> {
    const { page, pageSize } = parse(pageQuery, query);
    const list = await customers.call((c) => c.listLeaderCustomers, { leaderId, page, pageSize }, read);
    return { leaderId, page, pageSize, total: list.total, repurchased: list.repurchased, customers: list.customers.map(leaderCustomerJson) };
  }

  async function leaderCustomersHandler(request: FastifyRequest) {
    const user = currentUser(request);
    const { leaderId } = parse(leaderParams, request.params);
    if (user.role === 'leader' && user.id !== leaderId) throw new DomainError('FORBIDDEN', 'a leader reads only their own customers');
    return customersOf(leaderId, request.query);
  }

  async function myCustomersHandler(request: FastifyRequest) {
    return customersOf(currentUser(request).id, request.query);
  }

  registerRoutes(app, deps.auth, [
    { method: 'POST', url: '/api/v1/leader/share-links', roles: ['leader'], handler: createShareLinkHandler },
    { method: 'GET', url: '/api/v1/me/leader', roles: ['buyer'], handler: myLeaderHandler },
    { method: 'GET', url: '/api/v1/leader/customers', roles: ['leader'], handler: myCustomersHandler },
    { method: 'GET', url: '/api/v1/leaders/:leaderId/customers', roles: ['leader', 'admin'], handler: leaderCustomersHandler },
  ]);
}

/** The page a buyer opens: the live room for a session link, else the shop (on the SKU if named). */
function shareUrl(leaderId: string, token: string, liveSessionId: string | undefined, skuId: string | undefined): string {
  const q = new URLSearchParams();
  if (liveSessionId) {
    q.set('session', liveSessionId);
    q.set('leader', leaderId);
  } else if (skuId) {
    q.set('sku', skuId);
  }
  q.set('share', token);
  return `${liveSessionId ? '/live.html' : '/shop.html'}?${q}`;
}
