// Catalog, stock and flash-sale endpoints: anyone signed in reads the catalog; warehouse staff
// (for their warehouse) and admins create products for a leader whose pickup point that warehouse
// serves; a leader creates pools only of their own SKUs, in the warehouse serving their pickup
// point, for their own live session, at a price above 0 and at most the list price.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError, type RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient, GetFlashSaleResponse, InventoryServiceClient, LiveRoomServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actingWarehouse, requireServedBy } from './ownership.js';
import { fen, id, isoTime, parse, uuid } from './validation.js';

export const productTerms = z.object({
  name: z.string().trim().min(1, 'name is required').max(200),
  description: z.string().max(5000).default(''),
  imageUrls: z.array(z.url({ error: 'must be a URL' })).max(20).default([]),
  skus: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(100),
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
});

const newFlashSale = z
  .object({
    skuId: uuid('skuId'),
    warehouseId: id('warehouseId'),
    liveSessionId: z.string().max(100).default(''),
    salePriceFen: fen,
    quantity: z.number({ error: 'quantity must be an integer' }).int('quantity must be an integer').min(1).max(1_000_000),
    perBuyerLimit: z.number().int().min(1).max(1_000_000).default(1),
    startsAt: isoTime.optional(),
    endsAt: isoTime,
    holdSeconds: z.number().int().min(10).max(86_400).default(900),
    leaderId: id('leaderId').optional(),
  })
  .refine((v) => Date.parse(v.endsAt) > (v.startsAt ? Date.parse(v.startsAt) : Date.now()), { path: ['endsAt'], message: 'endsAt must be after startsAt' });

export function flashSaleJson(r: GetFlashSaleResponse) {
  const fs = r.flashSale!;
  return {
    id: fs.id,
    skuId: fs.skuId,
    sku: r.sku ? { id: r.sku.id, name: r.sku.name, productId: r.sku.productId, listPriceFen: r.sku.listPriceFen } : undefined,
    warehouseId: fs.warehouseId,
    leaderId: fs.leaderId,
    liveSessionId: fs.liveSessionId,
    salePriceFen: fs.salePriceFen,
    perBuyerLimit: fs.perBuyerLimit,
    startsAt: new Date(fs.startsAtMs).toISOString(),
    endsAt: new Date(fs.endsAtMs).toISOString(),
    holdSeconds: fs.holdSeconds,
    quantity: r.stats?.quantity ?? fs.quantity,
    held: r.stats?.held ?? 0,
    sold: r.stats?.sold ?? 0,
    available: r.stats?.available ?? 0,
  };
}

export function catalogRoutes(
  app: FastifyInstance,
  deps: { auth: Auth; inventory: RpcClient<InventoryServiceClient>; fulfillment: RpcClient<FulfillmentServiceClient>; liveRoom: RpcClient<LiveRoomServiceClient> },
) {
  const { auth, inventory, fulfillment, liveRoom } = deps;
  const read = { idempotent: true };

  // A buyer also sees, per SKU, how many units they hold or bought against its per-buyer limit.
  app.get('/api/v1/products', { preHandler: auth.guard() }, async (request) => {
    const user = currentUser(request);
    const buyerId = user.role === 'buyer' ? user.id : '';
    const { products } = await inventory.call((c) => c.listProducts, { limit: 100, buyerId }, read);
    return {
      products: products.map((p) => ({
        ...p,
        skus: p.skus.map(({ boughtByBuyer, ...sku }) => (boughtByBuyer === undefined ? sku : { ...sku, boughtByYou: boughtByBuyer })),
      })),
    };
  });

  app.get('/api/v1/products/:id', { preHandler: auth.guard() }, async (request) => {
    const params = parse(z.object({ id: uuid('id') }), request.params);
    const { product } = await inventory.call((c) => c.getProduct, { id: params.id }, read);
    return product;
  });

  app.post('/api/v1/products', { preHandler: auth.guard('warehouse', 'admin') }, async (request, reply) => {
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
      skus: body.skus,
    });
    return reply.code(201).send(product);
  });

  app.post('/api/v1/flash-sales', { preHandler: auth.guard('leader', 'admin') }, async (request, reply) => {
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
  });

  app.post('/api/v1/flash-sales/:id/end', { preHandler: auth.guard('leader', 'admin') }, async (request) => {
    const params = parse(z.object({ id: uuid('id') }), request.params);
    const user = currentUser(request);
    await inventory.call((c) => c.endFlashSale, { id: params.id, leaderId: user.role === 'admin' ? '' : user.id });
    return flashSaleJson(await inventory.call((c) => c.getFlashSale, { id: params.id }, read));
  });

  // Warehouse stock per SKU: staff their own warehouse's; a leader only their own SKUs, since
  // their pools are made from them.
  app.get('/api/v1/stock', { preHandler: auth.guard('warehouse', 'leader', 'admin') }, async (request) => {
    const user = currentUser(request);
    const q = parse(z.object({ warehouseId: id('warehouseId').optional() }), request.query);
    const warehouseId = user.role === 'leader' ? q.warehouseId : actingWarehouse(user, q.warehouseId);
    if (!warehouseId) throw new DomainError('INVALID_ARGUMENT', 'warehouseId is required');
    const ownerLeaderId = user.role === 'leader' ? user.id : '';
    return { warehouseId, ...(await inventory.call((c) => c.listStock, { warehouseId, ownerLeaderId }, read)) };
  });

  app.get('/api/v1/flash-sales/:id', { preHandler: auth.guard() }, async (request) => {
    const params = parse(z.object({ id: uuid('id') }), request.params);
    return flashSaleJson(await inventory.call((c) => c.getFlashSale, { id: params.id }, read));
  });
}
