// Fulfillment endpoints: warehouse set-up, waves and pick lists (JSON, CSV, print page), packing,
// route planning and dispatch, the driver's run, the leader's pickup counter, the buyer's pickup codes.
// Roles are checked here; ownership (own route, own pickup point, staff's own warehouse) by the
// fulfillment service, which is told who asks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isDomainError, type RpcClient } from '@lc/kit';
import { qty, type FulfillmentServiceClient, type InventoryServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actingWarehouse, actorOf } from './ownership.js';
import { registerRoutes } from './route-table.js';
import { id, lat, lng, parse, uuid } from './validation.js';

const hhmm = (what: string) => z.string({ error: `${what} must be a local time HH:MM` }).regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, `${what} must be a local time HH:MM`);

const warehouseBody = z.object({
  id: id('id'),
  name: z.string({ error: 'name is required' }).min(1, 'name is required').max(200),
  lat,
  lng,
  timeZone: z.string({ error: 'timeZone must be an IANA zone such as Asia/Shanghai' }).min(1).max(64),
  shiftStart: hhmm('shiftStart').default('06:00'),
  shiftEnd: hhmm('shiftEnd').default('18:00'),
  cutoff: hhmm('cutoff').default('22:00'),
  driverIds: z.array(id('driverIds[]')).max(200).default([]),
  vehicles: z
    .array(
      z.object({
        id: id('vehicle id'),
        capacity: z.number({ error: 'capacity must be an integer' }).int('capacity must be an integer').min(0, 'capacity must not be negative').max(100_000),
        shiftStart: hhmm('shiftStart').optional(),
        shiftEnd: hhmm('shiftEnd').optional(),
        driverId: id('driverId').optional(),
      }),
    )
    .max(500)
    .default([]),
});

const shortagesBody = z.object({
  shortages: z.array(z.object({ orderId: uuid('shortages[].orderId'), missingQty: qty }).strict()).max(500).default([]),
});

const pickupPointBody = z.object({
  id: id('id'),
  warehouseId: id('warehouseId'),
  leaderId: id('leaderId').optional(),
  name: z.string({ error: 'name is required' }).min(1, 'name is required').max(200),
  address: z.string().max(500).default(''),
  lat,
  lng,
  opensAt: hhmm('opensAt').default('08:00'),
  closesAt: hhmm('closesAt').default('20:00'),
  serviceMinutes: z.number({ error: 'serviceMinutes must be an integer' }).int().min(0).max(240).default(10),
  dailyCapacity: z.number({ error: 'dailyCapacity must be an integer' }).int('dailyCapacity must be an integer').min(1, 'dailyCapacity must be at least 1').max(100_000).default(200),
});

const waveBody = z.object({
  warehouseId: id('warehouseId'),
  deliveryDate: z.string({ error: 'deliveryDate must be a date YYYY-MM-DD' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'deliveryDate must be a date YYYY-MM-DD'),
});

const planBody = z.object({
  timeLimitMs: z.number({ error: 'timeLimitMs must be an integer' }).int().min(100).max(60_000).default(5000),
  driverIds: z.array(id('driverIds[]')).max(200).default([]),
  wait: z.boolean().default(false),
});

const byId = z.object({ id: uuid('id') });
const position = z.object({ lat, lng });
const codeBody = z.object({ code: z.string({ error: 'code must be 6 digits' }).regex(/^[0-9]{6}$/, 'code must be 6 digits') });

const actor = (request: FastifyRequest) => actorOf(currentUser(request));

export function fulfillmentRoutes(app: FastifyInstance, deps: { auth: Auth; fulfillment: RpcClient<FulfillmentServiceClient>; inventory: RpcClient<InventoryServiceClient> }) {
  const { auth, fulfillment: f, inventory } = deps;
  const staff = ['warehouse', 'admin'] as const;
  const read = { idempotent: true };

  async function createWarehouseHandler(request: FastifyRequest, reply: FastifyReply) {
    const b = parse(warehouseBody, request.body);
    actingWarehouse(currentUser(request), b.id);
    const { warehouse } = await f.call((c) => c.createWarehouse, {
      warehouse: { ...b, vehicles: b.vehicles.map((v) => ({ id: v.id, capacity: v.capacity, shiftStart: v.shiftStart ?? '', shiftEnd: v.shiftEnd ?? '', driverId: v.driverId ?? '' })) },
    });
    return reply.code(201).send(warehouse);
  }

  async function getWarehouseHandler(request: FastifyRequest) {
    const { id: warehouseId } = parse(z.object({ id: id('id') }), request.params);
    return (await f.call((c) => c.getWarehouse, { warehouseId, actor: actor(request) }, read)).warehouse;
  }

  async function createPickupPointHandler(request: FastifyRequest, reply: FastifyReply) {
    const b = parse(pickupPointBody, request.body);
    const { pickupPoint } = await f.call((c) => c.createPickupPoint, { actor: actor(request), pickupPoint: { ...b, leaderId: b.leaderId ?? '' } });
    return reply.code(201).send(pickupPoint);
  }

  async function listWavesHandler(request: FastifyRequest) {
    const { warehouseId } = parse(z.object({ warehouseId: id('warehouseId') }), request.query);
    return f.call((c) => c.listWaves, { warehouseId, actor: actor(request) }, read);
  }

  async function closeWaveHandler(request: FastifyRequest) {
    const b = parse(waveBody, request.body);
    return (await f.call((c) => c.closeWave, { ...b, actor: actor(request) }, { idempotent: true, deadlineMs: 15_000 })).wave;
  }

  async function getPickListsHandler(request: FastifyRequest) {
    const { id: waveId } = parse(byId, request.params);
    return f.call((c) => c.getPickLists, { waveId, actor: actor(request) }, read);
  }

  /**
   * What pickers read for the wave's SKUs: bags carry SKU ids only, and every SKU a wave holds is
   * stocked at its warehouse, so the warehouse's stock levels name them all in one call.
   */
  async function skuNamesOf(waveId: string, request: FastifyRequest): Promise<Record<string, string>> {
    const { wave, pickLists } = await f.call((c) => c.getPickLists, { waveId, actor: actor(request) }, read);
    const wanted = new Set(pickLists.flatMap((l) => l.bags.map((b) => b.skuId)));
    if (!wave || !wanted.size) return {};
    const { levels } = await inventory.call((c) => c.listStock, { warehouseId: wave.warehouseId, ownerLeaderId: '' }, read);
    return Object.fromEntries(levels.filter((l) => wanted.has(l.skuId)).map((l) => [l.skuId, `${l.productName} · ${l.skuName}`]));
  }

  async function rendered(format: 'csv' | 'html', request: FastifyRequest, reply: FastifyReply) {
    const { id: waveId } = parse(byId, request.params);
    const skuNames = await skuNamesOf(waveId, request);
    const { contentType, body } = await f.call((c) => c.renderPickLists, { waveId, format, actor: actor(request), skuNames }, read);
    if (format === 'csv') void reply.header('content-disposition', `attachment; filename="pick-lists-${waveId}.csv"`);
    return reply.type(contentType).send(body);
  }
  const pickListsCsvHandler = (request: FastifyRequest, reply: FastifyReply) => rendered('csv', request, reply);
  const pickListsPrintHandler = (request: FastifyRequest, reply: FastifyReply) => rendered('html', request, reply);

  async function markBagPackedHandler(request: FastifyRequest) {
    const { id: bagId } = parse(byId, request.params);
    return (await f.call((c) => c.markBagPacked, { bagId, actor: actor(request) }, { idempotent: true })).bag;
  }

  async function planRoutesHandler(request: FastifyRequest, reply: FastifyReply) {
    const { id: waveId } = parse(byId, request.params);
    const b = parse(planBody, request.body);
    const { plan } = await f.call((c) => c.planRoutes, { waveId, ...b, actor: actor(request) }, { deadlineMs: b.wait ? b.timeLimitMs + 30_000 : 15_000 });
    return reply.code(plan!.status === 'PLANNING' ? 202 : 200).send(plan);
  }

  async function getRoutePlanHandler(request: FastifyRequest) {
    const { id: planId } = parse(byId, request.params);
    return (await f.call((c) => c.getRoutePlan, { planId, actor: actor(request) }, read)).plan;
  }

  /** The wave's current plan, so the console shows (or resumes following) it after a reload. */
  async function waveRoutePlanHandler(request: FastifyRequest) {
    const { id: waveId } = parse(byId, request.params);
    const { wave, plan } = await f.call((c) => c.getWaveRoutePlan, { waveId, actor: actor(request) }, read);
    return { wave, plan: plan ?? null };
  }

  async function finishRoutePlanHandler(request: FastifyRequest) {
    const { id: planId } = parse(byId, request.params);
    return (await f.call((c) => c.finishRoutePlan, { planId, actor: actor(request) }, { idempotent: true })).plan;
  }

  async function getRouteHandler(request: FastifyRequest) {
    const { id: routeId } = parse(byId, request.params);
    return (await f.call((c) => c.getRoute, { actor: actor(request), routeId }, read)).route;
  }

  async function dispatchRouteHandler(request: FastifyRequest) {
    const { id: routeId } = parse(byId, request.params);
    return (await f.call((c) => c.dispatchRoute, { routeId, actor: actor(request) }, { idempotent: true })).route;
  }

  async function driverRouteHandler(request: FastifyRequest) {
    const { route } = await f.call((c) => c.getDriverRoute, { actor: actor(request) }, read);
    return { route: route ?? null };
  }

  async function driverPositionHandler(request: FastifyRequest) {
    const b = parse(position, request.body);
    return (await f.call((c) => c.updateDriverPosition, { actor: actor(request), ...b })).route;
  }

  async function stopStep(rpc: 'markStopArrived' | 'markStopHandedOver' | 'confirmReceipt', request: FastifyRequest) {
    const { id: stopId } = parse(byId, request.params);
    // Hand-over and receipt may name units missing (a shortage, refunded by after-sales).
    const { shortages } = rpc === 'markStopArrived' ? { shortages: [] } : parse(shortagesBody, request.body);
    return (await f.call((c) => c[rpc], { actor: actor(request), stopId, shortages }, { idempotent: true })).stop;
  }
  const stopArrivedHandler = (request: FastifyRequest) => stopStep('markStopArrived', request);
  const stopHandedOverHandler = (request: FastifyRequest) => stopStep('markStopHandedOver', request);
  const receiptHandler = (request: FastifyRequest) => stopStep('confirmReceipt', request);

  async function listParcelsHandler(request: FastifyRequest) {
    return f.call((c) => c.listParcels, { actor: actor(request) }, read);
  }

  // A pickup code is 6 digits: fulfillment limits the codes a leader may try, counted in Redis
  // before a code is looked at, so every gateway pod shares the one count.
  async function verifyPickupHandler(request: FastifyRequest, reply: FastifyReply) {
    const { code } = parse(codeBody, request.body);
    try {
      return (await f.call((c) => c.verifyPickup, { actor: actor(request), code })).bag;
    } catch (error) {
      const retryAfterMs = isDomainError(error) && error.code === 'RATE_LIMITED' ? error.details?.retryAfterMs : undefined;
      if (typeof retryAfterMs === 'number') void reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
      throw error;
    }
  }

  async function listPickupCodesHandler(request: FastifyRequest) {
    return f.call((c) => c.listPickupCodes, { buyerId: currentUser(request).id }, read);
  }

  registerRoutes(app, auth, [
    { method: 'POST', url: '/api/v1/warehouses', roles: staff, handler: createWarehouseHandler },
    { method: 'GET', url: '/api/v1/warehouses/:id', roles: staff, handler: getWarehouseHandler },
    { method: 'POST', url: '/api/v1/pickup-points', roles: ['warehouse', 'admin', 'leader'], handler: createPickupPointHandler },
    { method: 'GET', url: '/api/v1/waves', roles: staff, handler: listWavesHandler },
    { method: 'POST', url: '/api/v1/waves', roles: staff, handler: closeWaveHandler },
    { method: 'GET', url: '/api/v1/waves/:id/pick-lists', roles: staff, handler: getPickListsHandler },
    { method: 'GET', url: '/api/v1/waves/:id/pick-lists.csv', roles: staff, handler: pickListsCsvHandler },
    { method: 'GET', url: '/api/v1/waves/:id/pick-lists/print', roles: staff, handler: pickListsPrintHandler },
    { method: 'POST', url: '/api/v1/bags/:id/packed', roles: staff, handler: markBagPackedHandler },
    { method: 'POST', url: '/api/v1/waves/:id/routes', roles: staff, handler: planRoutesHandler },
    { method: 'GET', url: '/api/v1/waves/:id/route-plan', roles: staff, handler: waveRoutePlanHandler },
    { method: 'GET', url: '/api/v1/route-plans/:id', roles: staff, handler: getRoutePlanHandler },
    { method: 'POST', url: '/api/v1/route-plans/:id/finish', roles: staff, handler: finishRoutePlanHandler },
    { method: 'GET', url: '/api/v1/routes/:id', roles: ['warehouse', 'admin', 'driver'], handler: getRouteHandler },
    { method: 'POST', url: '/api/v1/routes/:id/dispatch', roles: staff, handler: dispatchRouteHandler },
    { method: 'GET', url: '/api/v1/driver/route', roles: ['driver'], handler: driverRouteHandler },
    { method: 'POST', url: '/api/v1/driver/position', roles: ['driver'], handler: driverPositionHandler },
    { method: 'POST', url: '/api/v1/stops/:id/arrived', roles: ['driver'], handler: stopArrivedHandler },
    { method: 'POST', url: '/api/v1/stops/:id/handed-over', roles: ['driver'], handler: stopHandedOverHandler },
    { method: 'POST', url: '/api/v1/pickup-point/receipts/:id', roles: ['leader'], handler: receiptHandler },
    { method: 'GET', url: '/api/v1/leader/pickup-point/parcels', roles: ['leader'], handler: listParcelsHandler },
    { method: 'POST', url: '/api/v1/pickups/verify', roles: ['leader'], handler: verifyPickupHandler },
    { method: 'GET', url: '/api/v1/pickup-codes', roles: ['buyer'], handler: listPickupCodesHandler },
  ]);
}
