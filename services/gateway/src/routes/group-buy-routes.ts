// Group-buy (开团) endpoints: a leader opens and lists their own (an admin any leader's), anyone
// signed in sees one's progress, a buyer orders into it (idempotent by key, rate-limited with the
// other placements). The order service checks who asks again; here the role and the warehouse.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RedisTokenBuckets, type RpcClient } from '@lc/kit';
import { BOUNDS, GROUP_BUY_RULES, PlaceOrderOutcome, groupBuyJson, idempotencyKey, orderJson, placeOrderRefusal, qty, type FulfillmentServiceClient, type GroupBuyServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actorOf, requireServedBy } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { fen, id, isoTime, parse, uuid } from './validation.js';

const count = (what: string, max: number) => z.number({ error: `${what} must be an integer` }).int(`${what} must be an integer`).min(1, `${what} must be at least 1`).max(max, `${what} must be at most ${max}`);

const newGroupBuy = z
  .object({
    title: z.string({ error: 'title is required' }).trim().min(1, 'title is required').max(GROUP_BUY_RULES.titleMaxChars, `title must be at most ${GROUP_BUY_RULES.titleMaxChars} characters`),
    skuId: uuid('skuId'),
    warehouseId: id('warehouseId'),
    priceFen: fen.refine((v) => v > 0, 'priceFen must be positive'),
    stockCap: count('stockCap', GROUP_BUY_RULES.maxStockCap),
    minQty: count('minQty', GROUP_BUY_RULES.maxStockCap),
    perBuyerLimit: count('perBuyerLimit', BOUNDS.perBuyerLimit.max).optional(),
    startsAt: isoTime.optional(),
    cutoffAt: isoTime,
    holdSeconds: count('holdSeconds', GROUP_BUY_RULES.maxHoldSeconds).default(GROUP_BUY_RULES.defaultHoldSeconds),
    leaderId: id('leaderId').optional(),
  })
  .refine((v) => v.minQty <= v.stockCap, { path: ['minQty'], message: 'minQty must be at most stockCap' })
  .refine((v) => Date.parse(v.cutoffAt) > (v.startsAt ? Date.parse(v.startsAt) : Date.now()), { path: ['cutoffAt'], message: 'cutoffAt must be after startsAt (and in the future)' });
const listQuery = z.object({ leaderId: id('leaderId').optional(), limit: z.coerce.number({ error: 'limit must be an integer' }).int().min(1).max(200).default(50) });
const byId = z.object({ id: uuid('id') });
const orderBody = z.object({ qty, pickupPointId: id('pickupPointId').optional() });
const keyHeader = idempotencyKey('Idempotency-Key header');

export function groupBuyRoutes(
  app: FastifyInstance,
  deps: { auth: Auth; groupBuys: RpcClient<GroupBuyServiceClient>; fulfillment: RpcClient<FulfillmentServiceClient>; rateLimit: RedisTokenBuckets },
) {
  const { groupBuys, fulfillment, rateLimit } = deps;
  const read = { idempotent: true };

  /** A leader acts for themself (naming another is refused); an admin for the leader they name. */
  function actingLeader(request: FastifyRequest, named: string | undefined): string {
    const user = currentUser(request);
    if (user.role === 'leader') {
      if (named !== undefined && named !== user.id) throw new DomainError('FORBIDDEN', `leaderId: a leader acts only for themself, not ${named}`);
      return user.id;
    }
    if (!named) throw new DomainError('INVALID_ARGUMENT', 'leaderId: required when an operator acts');
    return named;
  }

  async function openGroupBuyHandler(request: FastifyRequest, reply: FastifyReply) {
    const body = parse(newGroupBuy, request.body);
    const leaderId = actingLeader(request, body.leaderId);
    await requireServedBy(fulfillment, leaderId, body.warehouseId, 'warehouseId');
    const { groupBuy } = await groupBuys.call((c) => c.openGroupBuy, {
      actor: actorOf(currentUser(request)),
      leaderId,
      title: body.title,
      skuId: body.skuId,
      warehouseId: body.warehouseId,
      priceFen: body.priceFen,
      stockCap: body.stockCap,
      minQty: body.minQty,
      perBuyerLimit: body.perBuyerLimit ?? body.stockCap,
      startsAtMs: body.startsAt ? Date.parse(body.startsAt) : Date.now(),
      cutoffAtMs: Date.parse(body.cutoffAt),
      holdSeconds: body.holdSeconds,
    });
    return reply.code(201).send(groupBuyJson(groupBuy!));
  }

  async function listGroupBuysHandler(request: FastifyRequest) {
    const q = parse(listQuery, request.query);
    const leaderId = actingLeader(request, q.leaderId);
    const { groupBuys: list } = await groupBuys.call((c) => c.listGroupBuys, { actor: actorOf(currentUser(request)), leaderId, limit: q.limit }, read);
    return { groupBuys: list.map(groupBuyJson) };
  }

  async function getGroupBuyHandler(request: FastifyRequest) {
    const { id: groupBuyId } = parse(byId, request.params);
    const { groupBuy } = await groupBuys.call((c) => c.getGroupBuy, { id: groupBuyId }, read);
    return groupBuyJson(groupBuy!);
  }

  async function placeGroupBuyOrderHandler(request: FastifyRequest, reply: FastifyReply) {
    const buyer = currentUser(request);
    const { id: groupBuyId } = parse(byId, request.params);
    const key = parse(keyHeader, request.headers['idempotency-key']);
    const body = parse(orderBody, request.body);
    const rate = await rateLimit.take(buyer.id);
    if (!rate.taken) throw new DomainError('RATE_LIMITED', 'too many orders at once, slow down', { retryAfterMs: rate.retryAfterMs });
    const result = await groupBuys.call((c) => c.placeGroupBuyOrder, { groupBuyId, buyerId: buyer.id, idempotencyKey: key, qty: body.qty, pickupPointId: body.pickupPointId ?? '' }, { deadlineMs: 10_000 });
    if (result.outcome !== PlaceOrderOutcome.PLACE_ORDER_OUTCOME_PLACED || !result.order) throw placeOrderRefusal(result.outcome);
    return reply.code(result.replayed ? 200 : 201).send(orderJson(result.order));
  }

  registerRoutes(app, deps.auth, [
    { method: 'POST', url: '/api/v1/group-buys', roles: ['leader', 'admin'], handler: openGroupBuyHandler },
    { method: 'GET', url: '/api/v1/group-buys', roles: ['leader', 'admin'], handler: listGroupBuysHandler },
    { method: 'GET', url: '/api/v1/group-buys/:id', roles: [], handler: getGroupBuyHandler },
    { method: 'POST', url: '/api/v1/group-buys/:id/orders', roles: ['buyer'], handler: placeGroupBuyOrderHandler },
  ]);
}
