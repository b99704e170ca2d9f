// Fulfillment endpoints: warehouse set-up, waves and pick lists (JSON, CSV, print page), packing,
// route planning and dispatch, the driver's run, the leader's pickup counter, buyer notifications.
// Roles are checked here; ownership (own route, own pickup point, staff's own warehouse) by the
// fulfillment service, which is told who asks.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isDomainError, type RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { actingWarehouse, actorOf } from './ownership.js';
import { id, parse, uuid } from './validation.js';

const hhmm = (what: string) => z.string({ error: `${what} must be a local time HH:MM` }).regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, `${what} must be a local time HH:MM`);
const lat = z.number({ error: 'must be a latitude between -90 and 90' }).min(-90, 'must be a latitude between -90 and 90').max(90, 'must be a latitude between -90 and 90');
const lng = z.number({ error: 'must be a longitude between -180 and 180' }).min(-180, 'must be a longitude between -180 and 180').max(180, 'must be a longitude between -180 and 180');

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

export function fulfillmentRoutes(app: FastifyInstance, deps: { auth: Auth; fulfillment: RpcClient<FulfillmentServiceClient> }) {
  const { auth, fulfillment: f } = deps;
  const staff = auth.guard('warehouse', 'admin');
  const read = { idempotent: true };

  app.post('/api/v1/warehouses', { preHandler: staff }, async (request, reply) => {
    const b = parse(warehouseBody, request.body);
    actingWarehouse(currentUser(request), b.id);
    const { warehouse } = await f.call((c) => c.createWarehouse, {
      warehouse: { ...b, vehicles: b.vehicles.map((v) => ({ id: v.id, capacity: v.capacity, shiftStart: v.shiftStart ?? '', shiftEnd: v.shiftEnd ?? '', driverId: v.driverId ?? '' })) },
    });
    return reply.code(201).send(warehouse);
  });

  app.get('/api/v1/warehouses/:id', { preHandler: staff }, async (request) => {
    const { id: warehouseId } = parse(z.object({ id: id('id') }), request.params);
    return (await f.call((c) => c.getWarehouse, { warehouseId, actor: actor(request) }, read)).warehouse;
  });

  app.post('/api/v1/pickup-points', { preHandler: auth.guard('warehouse', 'admin', 'leader') }, async (request, reply) => {
    const b = parse(pickupPointBody, request.body);
    const { pickupPoint } = await f.call((c) => c.createPickupPoint, { actor: actor(request), pickupPoint: { ...b, leaderId: b.leaderId ?? '' } });
    return reply.code(201).send(pickupPoint);
  });

  app.get('/api/v1/waves', { preHandler: staff }, async (request) => {
    const { warehouseId } = parse(z.object({ warehouseId: id('warehouseId') }), request.query);
    return f.call((c) => c.listWaves, { warehouseId, actor: actor(request) }, read);
  });

  app.post('/api/v1/waves', { preHandler: staff }, async (request) => {
    const b = parse(waveBody, request.body);
    return (await f.call((c) => c.closeWave, { ...b, actor: actor(request) }, { idempotent: true, deadlineMs: 15_000 })).wave;
  });

  app.get('/api/v1/waves/:id/pick-lists', { preHandler: staff }, async (request) => {
    const { id: waveId } = parse(byId, request.params);
    return f.call((c) => c.getPickLists, { waveId, actor: actor(request) }, read);
  });

  const rendered = (format: 'csv' | 'html') => async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const { id: waveId } = parse(byId, request.params);
    const { contentType, body } = await f.call((c) => c.renderPickLists, { waveId, format, actor: actor(request) }, read);
    if (format === 'csv') void reply.header('content-disposition', `attachment; filename="pick-lists-${waveId}.csv"`);
    return reply.type(contentType).send(body);
  };
  app.get('/api/v1/waves/:id/pick-lists.csv', { preHandler: staff }, rendered('csv'));
  app.get('/api/v1/waves/:id/pick-lists/print', { preHandler: staff }, rendered('html'));

  app.post('/api/v1/bags/:id/packed', { preHandler: staff }, async (request) => {
    const { id: bagId } = parse(byId, request.params);
    return (await f.call((c) => c.markBagPacked, { bagId, actor: actor(request) }, { idempotent: true })).bag;
  });

  app.post('/api/v1/waves/:id/routes', { preHandler: staff }, async (request, reply) => {
    const { id: waveId } = parse(byId, request.params);
    const b = parse(planBody, request.body);
    const { plan } = await f.call((c) => c.planRoutes, { waveId, ...b, actor: actor(request) }, { deadlineMs: b.wait ? b.timeLimitMs + 30_000 : 15_000 });
    return reply.code(plan!.status === 'PLANNING' ? 202 : 200).send(plan);
  });

  app.get('/api/v1/route-plans/:id', { preHandler: staff }, async (request) => {
    const { id: planId } = parse(byId, request.params);
    return (await f.call((c) => c.getRoutePlan, { planId, actor: actor(request) }, read)).plan;
  });

  app.get('/api/v1/routes/:id', { preHandler: auth.guard('warehouse', 'admin', 'driver') }, async (request) => {
    const { id: routeId } = parse(byId, request.params);
    return (await f.call((c) => c.getRoute, { actor: actor(request), routeId }, read)).route;
  });

  app.post('/api/v1/routes/:id/dispatch', { preHandler: staff }, async (request) => {
    const { id: routeId } = parse(byId, request.params);
    return (await f.call((c) => c.dispatchRoute, { routeId, actor: actor(request) }, { idempotent: true })).route;
  });

  app.get('/api/v1/driver/route', { preHandler: auth.guard('driver') }, async (request) => {
    const { route } = await f.call((c) => c.getDriverRoute, { actor: actor(request) }, read);
    return { route: route ?? null };
  });

  app.post('/api/v1/driver/position', { preHandler: auth.guard('driver') }, async (request) => {
    const b = parse(position, request.body);
    return (await f.call((c) => c.updateDriverPosition, { actor: actor(request), ...b })).route;
  });

  const stopStep = (rpc: 'markStopArrived' | 'markStopHandedOver' | 'confirmReceipt') => async (request: FastifyRequest) => {
    const { id: stopId } = parse(byId, request.params);
    return (await f.call((c) => c[rpc], { actor: actor(request), stopId }, { idempotent: true })).stop;
  };
  app.post('/api/v1/stops/:id/arrived', { preHandler: auth.guard('driver') }, stopStep('markStopArrived'));
  app.post('/api/v1/stops/:id/handed-over', { preHandler: auth.guard('driver') }, stopStep('markStopHandedOver'));
  app.post('/api/v1/pickup-point/receipts/:id', { preHandler: auth.guard('leader') }, stopStep('confirmReceipt'));

  app.get('/api/v1/leader/pickup-point/parcels', { preHandler: auth.guard('leader') }, async (request) => {
    return f.call((c) => c.listParcels, { actor: actor(request) }, read);
  });

  // A pickup code is 6 digits: fulfillment limits the codes a leader may try, counted in Redis
  // before a code is looked at, so every gateway pod shares the one count.
  app.post('/api/v1/pickups/verify', { preHandler: auth.guard('leader') }, async (request, reply) => {
    const { code } = parse(codeBody, request.body);
    try {
      return (await f.call((c) => c.verifyPickup, { actor: actor(request), code })).bag;
    } catch (error) {
      const retryAfterMs = isDomainError(error) && error.code === 'RATE_LIMITED' ? error.details?.retryAfterMs : undefined;
      if (typeof retryAfterMs === 'number') void reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
      throw error;
    }
  });

  app.get('/api/v1/notifications', { preHandler: auth.guard('buyer') }, async (request) => {
    return f.call((c) => c.listNotifications, { buyerId: currentUser(request).id }, read);
  });

  app.get('/api/v1/pickup-codes', { preHandler: auth.guard('buyer') }, async (request) => {
    return f.call((c) => c.listPickupCodes, { buyerId: currentUser(request).id }, read);
  });
}
