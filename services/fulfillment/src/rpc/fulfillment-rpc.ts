// FulfillmentService gRPC handlers: each a thin call into the fulfillment modules.
import { DomainError, unaryService, type Logger } from '@lc/kit';
import type { Actor, FulfillmentServiceServer } from '@lc/contracts';
import type { Deliveries } from '../deliveries.js';
import type { RoutePlanner } from '../route-plans.js';
import { staffActor, type StaffScope } from '../staff-scope.js';
import type { Warehouses } from '../warehouses.js';
import type { Waves } from '../waves.js';

function actorOf(a: Actor | undefined): Actor {
  if (!a?.userId || !a.role) throw new DomainError('UNAUTHENTICATED', 'actor is required');
  return a;
}

export function fulfillmentRpc(m: { warehouses: Warehouses; waves: Waves; planner: RoutePlanner; deliveries: Deliveries; scope: StaffScope }, logger: Logger): FulfillmentServiceServer {
  const { warehouses, waves, planner, deliveries, scope } = m;
  return unaryService<FulfillmentServiceServer>(
    {
      async createWarehouse(req) {
        if (!req.warehouse) throw new DomainError('INVALID_ARGUMENT', 'warehouse is required');
        const warehouse = await warehouses.create(req.warehouse);
        await waves.adoptWaiting(warehouse.id);
        return { warehouse };
      },
      async getWarehouse(req) {
        await scope.check(staffActor(req.actor), { warehouse: req.warehouseId });
        return { warehouse: await warehouses.get(req.warehouseId) };
      },
      async createPickupPoint(req) {
        if (!req.pickupPoint) throw new DomainError('INVALID_ARGUMENT', 'pickupPoint is required');
        if (req.actor?.role === 'warehouse') await scope.check(staffActor(req.actor), { warehouse: req.pickupPoint.warehouseId });
        return { pickupPoint: await warehouses.createPickupPoint(actorOf(req.actor), req.pickupPoint) };
      },
      async listWaves(req) {
        await scope.check(staffActor(req.actor), { warehouse: req.warehouseId });
        await warehouses.get(req.warehouseId);
        return { waves: await waves.list(req.warehouseId) };
      },
      async closeWave(req) {
        await scope.check(staffActor(req.actor), { warehouse: req.warehouseId });
        return { wave: await waves.close(req.warehouseId, req.deliveryDate) };
      },
      async getPickLists(req) {
        await scope.check(staffActor(req.actor), { wave: req.waveId });
        return waves.pickLists(req.waveId);
      },
      async renderPickLists(req) {
        await scope.check(staffActor(req.actor), { wave: req.waveId });
        return waves.render(req.waveId, req.format, req.skuNames);
      },
      async markBagPacked(req) {
        await scope.check(staffActor(req.actor), { bag: req.bagId });
        return { bag: await waves.pack(req.bagId) };
      },
      async planRoutes(req) {
        await scope.check(staffActor(req.actor), { wave: req.waveId });
        return { plan: await planner.plan(req.waveId, { timeLimitMs: req.timeLimitMs || 5000, driverIds: req.driverIds, wait: req.wait }) };
      },
      async getRoutePlan(req) {
        await scope.check(staffActor(req.actor), { plan: req.planId });
        return { plan: await planner.get(req.planId) };
      },
      async getWaveRoutePlan(req) {
        await scope.check(staffActor(req.actor), { wave: req.waveId });
        const wave = await waves.get(req.waveId);
        const plan = await planner.ofWave(wave.id);
        return plan ? { wave, plan } : { wave };
      },
      async finishRoutePlan(req) {
        await scope.check(staffActor(req.actor), { plan: req.planId });
        return { plan: await planner.finish(req.planId) };
      },
      async getRoute(req) {
        await scope.check(actorOf(req.actor), { route: req.routeId });
        return { route: await deliveries.getRoute(actorOf(req.actor), req.routeId) };
      },
      async dispatchRoute(req) {
        await scope.check(staffActor(req.actor), { route: req.routeId });
        return { route: await deliveries.dispatch(req.routeId) };
      },
      async getDriverRoute(req) {
        const route = await deliveries.driverRoute(actorOf(req.actor));
        return route ? { route } : {};
      },
      async markStopArrived(req) {
        return { stop: await deliveries.arrive(actorOf(req.actor), req.stopId) };
      },
      async markStopHandedOver(req) {
        return { stop: await deliveries.handOver(actorOf(req.actor), req.stopId, req.shortages) };
      },
      async confirmReceipt(req) {
        return { stop: await deliveries.receive(actorOf(req.actor), req.stopId, req.shortages) };
      },
      async updateDriverPosition(req) {
        return { route: await deliveries.position(actorOf(req.actor), req.lat, req.lng) };
      },
      async listParcels(req) {
        return deliveries.parcels(actorOf(req.actor));
      },
      async verifyPickup(req) {
        return { bag: await deliveries.verify(actorOf(req.actor), req.code) };
      },
      async getLeaderPickupPoint(req) {
        const pickupPoint = req.leaderId ? await warehouses.pickupPointOf({ leaderId: req.leaderId }) : undefined;
        return pickupPoint ? { pickupPoint } : {};
      },
      async listPickupCodes(req) {
        return { codes: await deliveries.pickupCodes(req.buyerId) };
      },
      async findPickupPoints(req) {
        const from = req.hasLocation ? { lat: req.lat, lng: req.lng } : undefined;
        return { pickupPoints: await warehouses.choices({ ...(from ? { from } : {}), ids: req.ids, limit: req.limit }) };
      },
      async listPickupPoints() {
        return { pickupPoints: await warehouses.pickupPointRefs() };
      },
    },
    logger,
  );
}
