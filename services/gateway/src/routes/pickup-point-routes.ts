// A buyer choosing where their parcels go: pickup points nearest first (from a location the
// client sends: the device's or an address's coordinates) with hours and what each can still take,
// the buyer's current point, and choosing one. Points are fulfillment's; the choice is the order
// service's, which checks every placement against it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient, OrderServiceClient, PickupPointChoice } from '@lc/contracts';
import type { MyPickupPointView, PickupPointChoiceView } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import { registerRoutes } from './route-table.js';
import { id, lat, lng, parse } from './validation.js';

const NEAR = /^(-?\d{1,3}(?:\.\d{1,10})?),(-?\d{1,3}(?:\.\d{1,10})?)$/;
const findQuery = z.object({
  near: z
    .string()
    .regex(NEAR, 'near must be "lat,lng" in decimal degrees')
    .transform((v) => v.split(',').map(Number))
    .pipe(z.tuple([lat, lng]))
    .optional(),
  ids: z
    .string()
    .max(2000)
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(id('ids[]')).max(100))
    .optional(),
  limit: z.coerce.number({ error: 'limit must be an integer' }).int('limit must be an integer').min(1).max(100).default(20),
});
const chooseBody = z.object({ pickupPointId: id('pickupPointId') });

export function pickupChoiceJson(c: PickupPointChoice): PickupPointChoiceView {
  const p = c.pickupPoint!;
  return {
    id: p.id,
    name: p.name,
    address: p.address,
    lat: p.lat,
    lng: p.lng,
    warehouseId: p.warehouseId,
    leaderId: p.leaderId,
    opensAt: p.opensAt,
    closesAt: p.closesAt,
    dailyCapacity: p.dailyCapacity,
    distanceM: c.distanceM,
    deliveryDate: c.deliveryDate,
    remainingCapacity: c.remainingCapacity,
  };
}

export function pickupPointRoutes(app: FastifyInstance, deps: { auth: Auth; fulfillment: RpcClient<FulfillmentServiceClient>; orders: RpcClient<OrderServiceClient> }) {
  const { auth, fulfillment, orders } = deps;
  const read = { idempotent: true };

  async function findPickupPointsHandler(request: FastifyRequest) {
    const q = parse(findQuery, request.query);
    const [latitude, longitude] = q.near ?? [0, 0];
    const { pickupPoints } = await fulfillment.call(
      (c) => c.findPickupPoints,
      { hasLocation: q.near !== undefined, lat: latitude!, lng: longitude!, limit: q.limit, ids: q.ids ?? [] },
      read,
    );
    return { pickupPoints: pickupPoints.map(pickupChoiceJson) };
  }

  async function myPickupPoint(answer: { pickupPointId: string; source: string } | undefined): Promise<MyPickupPointView> {
    const pickupPointId = answer?.pickupPointId ?? '';
    if (!pickupPointId) return { source: 'NONE', pickupPoint: null };
    const { pickupPoints } = await fulfillment.call((c) => c.findPickupPoints, { hasLocation: false, lat: 0, lng: 0, limit: 1, ids: [pickupPointId] }, read);
    return { source: answer!.source as MyPickupPointView['source'], pickupPoint: pickupPoints[0] ? pickupChoiceJson(pickupPoints[0]) : null };
  }

  async function getMyPickupPointHandler(request: FastifyRequest) {
    const buyerId = currentUser(request).id;
    const { pickupPoint } = await orders.call((c) => c.getBuyerPickupPoint, { buyerId }, read);
    return myPickupPoint(pickupPoint);
  }

  async function chooseMyPickupPointHandler(request: FastifyRequest) {
    const buyerId = currentUser(request).id;
    const { pickupPointId } = parse(chooseBody, request.body);
    const { pickupPoint } = await orders.call((c) => c.setBuyerPickupPoint, { buyerId, pickupPointId }, { idempotent: true });
    return myPickupPoint(pickupPoint);
  }

  registerRoutes(app, auth, [
    { method: 'GET', url: '/api/v1/pickup-points', roles: [], handler: findPickupPointsHandler },
    { method: 'GET', url: '/api/v1/me/pickup-point', roles: ['buyer'], handler: getMyPickupPointHandler },
    { method: 'PUT', url: '/api/v1/me/pickup-point', roles: ['buyer'], handler: chooseMyPickupPointHandler },
  ]);
}
