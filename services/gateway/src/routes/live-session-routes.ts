// Live session endpoints: anyone signed in lists and reads sessions (with the pinned product, the
// running flash sale and its remaining stock); a leader schedules, starts and ends their own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import { BOUNDS, flashSaleJson, liveSessionJson as sessionJson, LiveSessionStatus, type InventoryServiceClient, type LiveRoomServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { registerRoutes } from './route-table.js';
import { id, isoTime, parse, uuid } from './validation.js';

const newSession = z.object({
  title: z.string({ error: 'title must be a string' }).trim().min(1, 'title is required').max(BOUNDS.text.title),
  scheduledAt: isoTime.optional(),
});

const listQuery = z.object({
  leaderId: id('leaderId').optional(),
  status: z.enum(['SCHEDULED', 'LIVE', 'ENDED'], { error: 'status must be SCHEDULED, LIVE or ENDED' }).optional(),
});

export function liveSessionRoutes(app: FastifyInstance, deps: { auth: Auth; liveRoom: RpcClient<LiveRoomServiceClient>; inventory: RpcClient<InventoryServiceClient> }) {
  const { auth, liveRoom, inventory } = deps;
  const read = { idempotent: true };
  const byId = z.object({ id: uuid('id') });

  async function listLiveSessionsHandler(request: FastifyRequest) {
    const q = parse(listQuery, request.query);
    const statuses = q.status ? [LiveSessionStatus[`LIVE_SESSION_STATUS_${q.status}`]] : [];
    const { liveSessions } = await liveRoom.call((c) => c.listLiveSessions, { leaderId: q.leaderId ?? '', statuses, limit: 100 }, read);
    return { liveSessions: liveSessions.map(sessionJson) };
  }

  async function getLiveSessionHandler(request: FastifyRequest) {
    const { id: sessionId } = parse(byId, request.params);
    const { liveSession } = await liveRoom.call((c) => c.getLiveSession, { id: sessionId }, read);
    const s = liveSession!;
    const [pinned, sale] = await Promise.all([
      s.pinnedProductId ? inventory.call((c) => c.getProduct, { id: s.pinnedProductId }, read).then((r) => r.product ?? null) : null,
      s.activeFlashSaleId ? inventory.call((c) => c.getFlashSale, { id: s.activeFlashSaleId }, read).then(flashSaleJson) : null,
    ]);
    // Every pool of the session (a leader may run several in one stream), with its remaining stock.
    const { flashSales } = await inventory.call((c) => c.listFlashSales, { liveSessionId: s.id }, read);
    return {
      ...sessionJson(s),
      pinned: pinned ? { product: pinned, skuId: s.pinnedSkuId || null } : null,
      activeFlashSale: sale,
      remainingStock: sale ? sale.available : null,
      flashSales: flashSales.map(flashSaleJson),
    };
  }

  async function createLiveSessionHandler(request: FastifyRequest, reply: FastifyReply) {
    const body = parse(newSession, request.body);
    const { liveSession } = await liveRoom.call((c) => c.createLiveSession, {
      leaderId: currentUser(request).id,
      title: body.title,
      scheduledAtMs: body.scheduledAt ? Date.parse(body.scheduledAt) : 0,
    });
    return reply.code(201).send(sessionJson(liveSession!));
  }

  async function sessionStep(action: 'start' | 'end', request: FastifyRequest) {
    const { id: sessionId } = parse(byId, request.params);
    const req = { id: sessionId, leaderId: currentUser(request).id };
    const { liveSession } = action === 'start' ? await liveRoom.call((c) => c.startLiveSession, req) : await liveRoom.call((c) => c.endLiveSession, req);
    if (!liveSession) throw new DomainError('INTERNAL', 'no session returned');
    return sessionJson(liveSession);
  }
  const startLiveSessionHandler = (request: FastifyRequest) => sessionStep('start', request);
  const endLiveSessionHandler = (request: FastifyRequest) => sessionStep('end', request);

  registerRoutes(app, auth, [
    { method: 'GET', url: '/api/v1/live-sessions', roles: [], handler: listLiveSessionsHandler },
    { method: 'GET', url: '/api/v1/live-sessions/:id', roles: [], handler: getLiveSessionHandler },
    { method: 'POST', url: '/api/v1/live-sessions', roles: ['leader'], handler: createLiveSessionHandler },
    { method: 'POST', url: '/api/v1/live-sessions/:id/start', roles: ['leader'], handler: startLiveSessionHandler },
    { method: 'POST', url: '/api/v1/live-sessions/:id/end', roles: ['leader'], handler: endLiveSessionHandler },
  ]);
}
