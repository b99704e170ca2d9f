// Catalog, stock and flash-sale endpoints: anyone signed in reads the catalog; warehouse staff
// (for their warehouse) and admins create products for a leader whose pickup point that warehouse
// serves; a leader creates pools only of their own SKUs, in the warehouse serving their pickup
// point, for their own live session, at a price above 0 and at most the list price.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import { BOUNDS, flashSaleJson, productJson, holdSeconds, poolQuantity, type FulfillmentServiceClient, type InventoryServiceClient, type LiveRoomServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actingWarehouse, requireServedBy } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { fen, id, isoTime, parse, uuid } from './validation.js';

export const productTerms = z.object({
  name: z.string().trim().min(1, 'name is required').max(BOUNDS.text.name),
  description: z.string().max(BOUNDS.text.description).default(''),
  imageUrls: z.array(z.url({ error: 'must be a URL' })).max(20).default([]),
  skus: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(BOUNDS.text.skuName),
        listPriceFen: fen,
        perBuyerLimit: z.number().int().min(0).max(1000).default(0),
        initialStock: z.number().int().min(0).max(10_000_000).default(0),
      }),
    )
    .min(1, 'at least one SKU')
    .max(50),
});

const newProduct = productTerms.extend({
  // Staff stock their own warehouse (the default); an operator names one.
  warehouseId: id('warehouseId').optional(),
  ownerLeaderId: id('ownerLeaderId'),
  // Sets the selling leader's commission rate.
  category: z.string().trim().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'category must be a lower-case word such as fresh').default('general'),
});

const newFlashSale = z
  .object({
    skuId: uuid('skuId'),
    warehouseId: id('warehouseId'),
    liveSessionId: z.string().max(BOUNDS.idLength).default(''),
    salePriceFen: fen,
    quantity: poolQuantity,
    perBuyerLimit: z.number().int().min(BOUNDS.perBuyerLimit.min).max(BOUNDS.perBuyerLimit.max).default(1),
    startsAt: isoTime.optional(),
    endsAt: isoTime,
    holdSeconds: holdSeconds.default(900),
    leaderId: id('leaderId').optional(),
  })
  .refine((v) => Date.parse(v.endsAt) > (v.startsAt ? Date.parse(v.startsAt) : Date.now()), { path: ['endsAt'], message: 'endsAt must be after startsAt' });

export function catalogRoutes(
  app: FastifyInstance,
  deps: { auth: Auth; inventory: RpcClient<InventoryServiceClient>; fulfillment: RpcClient<FulfillmentServiceClient>; liveRoom: RpcClient<LiveRoomServiceClient> },
) {
  const { auth, inventory, fulfillment, liveRoom } = deps;
  const read = { idempotent: true };

  // A buyer also sees, per SKU, how many units they hold or bought against its per-buyer limit.
  async function listProductsHandler(request: FastifyRequest) {
    const user = currentUser(request);
    const buyerId = user.role === 'buyer' ? user.id : '';
    const { products } = await inventory.call((c) => c.listProducts, { limit: 100, buyerId }, read);
    return { products: products.map(productJson) };
  }

  async function getProductHandler(request: FastifyRequest) {
    const params = parse(z.object({ id: uuid('id') }), request.params);
    const { product } = await inventory.call((c) => c.getProduct, { id: params.id }, read);
    return product;
  }

  async function createProductHandler(request: FastifyRequest, reply: FastifyReply) {
    const body = parse(newProduct, request.body);
    const user = currentUser(request);
    const warehouseId = actingWarehouse(user, body.warehouseId);
    await requireServedBy(fulfillment, body.ownerLeaderId, warehouseId, 'ownerLeaderId');
    const { product } = await inventory.call((c) => c.createProduct, {
      name: body.name,
      description: body.description,
      imageUrls: body.imageUrls,
      warehouseId,
      createdBy: user.id,
      ownerLeaderId: body.ownerLeaderId,
      category: body.category,
      skus: body.skus,
    });
    return reply.code(201).send(product);
  }

  async function createFlashSaleHandler(request: FastifyRequest, reply: FastifyReply) {
    const body = parse(newFlashSale, request.body);
    const user = currentUser(request);
    // A leader sells as themselves; an admin may create a pool on a leader's behalf.
    if (user.role === 'leader' && body.leaderId && body.leaderId !== user.id) throw new DomainError('FORBIDDEN', 'leaderId: a leader creates pools only for themselves');
    if (user.role === 'admin' && !body.leaderId) throw new DomainError('INVALID_ARGUMENT', 'leaderId: required when an operator creates a pool');
    const leaderId = user.role === 'admin' ? body.leaderId! : user.id;
    // The SKU's owner and the price against its list price are checked by inventory, which the
    // live room's pools go through as well.
    await requireServedBy(fulfillment, leaderId, body.warehouseId, 'warehouseId');
    if (body.liveSessionId) {
      const { liveSession } = await liveRoom.call((c) => c.getLiveSession, { id: body.liveSessionId }, read);
      if (liveSession?.leaderId !== leaderId) throw new DomainError('FORBIDDEN', `liveSessionId: not a live session of leader ${leaderId}`);
    }
    const { flashSale } = await inventory.call((c) => c.createFlashSale, {
      flashSale: {
        id: '',
        skuId: body.skuId,
        warehouseId: body.warehouseId,
        leaderId,
        liveSessionId: body.liveSessionId,
        salePriceFen: body.salePriceFen,
        quantity: body.quantity,
        perBuyerLimit: body.perBuyerLimit,
        startsAtMs: body.startsAt ? Date.parse(body.startsAt) : Date.now(),
        endsAtMs: Date.parse(body.endsAt),
        holdSeconds: body.holdSeconds,
      },
    });
    const created = await inventory.call((c) => c.getFlashSale, { id: flashSale!.id }, read);
    return reply.code(201).send(flashSaleJson(created));
  }

  async function endFlashSaleHandler(request: FastifyRequest) {
    const params = parse(z.object({ id: uuid('id') }), request.params);
    const user = currentUser(request);
    await inventory.call((c) => c.endFlashSale, { id: params.id, leaderId: user.role === 'admin' ? '' : user.id });
    return flashSaleJson(await inventory.call((c) => c.getFlashSale, { id: params.id }, read));
  }

  // Warehouse stock per SKU: staff their own warehouse's; a leader only their own SKUs, since
  // their pools are made from them.
  async function listStockHandler(request: FastifyRequest) {
    const user = currentUser(request);
    const q = parse(z.object({ warehouseId: id('warehouseId').optional() }), request.query);
    const warehouseId = user.role === 'leader' ? q.warehouseId : actingWarehouse(user, q.warehouseId);
    if (!warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId is required');
    const ownerLeaderId = user.role === 'leader' ? user.id : '';
    return { warehouseId, ...(await inventory.call((c) => c.listStock, { warehouseId, ownerLeaderId }, read)) };
  }

  async function getFlashSaleHandler(request: FastifyRequest) {
    const params = parse(z.object({ id: uuid('id') }), request.params);
    return flashSaleJson(await inventory.call((c) => c.getFlashSale, { id: params.id }, read));
  }

  registerRoutes(app, auth, [
    { method: 'GET', url: '/api/v1/products', roles: [], handler: listProductsHandler },
    { method: 'GET', url: '/api/v1/products/:id', roles: [], handler: getProductHandler },
    { method: 'POST', url: '/api/v1/products', roles: ['warehouse', 'admin'], handler: createProductHandler },
    { method: 'POST', url: '/api/v1/flash-sales', roles: ['leader', 'admin'], handler: createFlashSaleHandler },
    { method: 'POST', url: '/api/v1/flash-sales/:id/end', roles: ['leader', 'admin'], handler: endFlashSaleHandler },
    { method: 'GET', url: '/api/v1/stock', roles: ['warehouse', 'leader', 'admin'], handler: listStockHandler },
    { method: 'GET', url: '/api/v1/flash-sales/:id', roles: [], handler: getFlashSaleHandler },
  ]);
}
