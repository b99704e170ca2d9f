// Fulfillment service composition: warehouses, waves fed by order events, route planning,
// deliveries, the gRPC server and the cut-off sweeper.
import { fileURLToPath } from 'node:url';
import { ServiceRuntime, type Logger } from '@lc/kit';
import { FulfillmentServiceService } from '@lc/contracts';
import { BagStore } from './adapters/bag-store.js';
import { DeliveryStore } from './adapters/delivery-store.js';
import { consumeOrderEvents } from './adapters/order-consumer.js';
import { OsrmTravelTimes } from './adapters/osrm-travel-times.js';
import { PickupAttemptLimit } from './adapters/pickup-attempt-limit.js';
import { RoutePlanStore } from './adapters/route-plan-store.js';
import { WarehouseStore } from './adapters/warehouse-store.js';
import { WaveStore } from './adapters/wave-store.js';
import type { FulfillmentConfig } from './config.js';
import { Deliveries } from './deliveries.js';
import { GreatCircleTravelTimes, type TravelTimeProvider } from './domain/travel-times.js';
import { RoutePlanner } from './route-plans.js';
import { fulfillmentRpc } from './rpc/fulfillment-rpc.js';
import { StaffScope } from './staff-scope.js';
import { Warehouses } from './warehouses.js';
import { Waves } from './waves.js';

export const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** `clock` stamps the parcels' steps (tests walk delivery days on it); jobs keep real time. */
export async function startFulfillment(config: FulfillmentConfig, logger?: Logger, opts: { clock?: () => number } = {}) {
  const runtime = await ServiceRuntime.create({ name: 'fulfillment', config, migrationsDir, redis: true, nats: true, ...(logger ? { logger } : {}) });
  const pool = runtime.pool!;
  const travelTimes: TravelTimeProvider = config.OSRM_URL
    ? new OsrmTravelTimes(config.OSRM_URL)
    : new GreatCircleTravelTimes(config.ROAD_FACTOR, config.AVERAGE_SPEED_KMH);
  const bagStore = new BagStore(pool, opts.clock);
  const stores = {
    warehouses: new WarehouseStore(pool),
    waves: new WaveStore(pool),
    bags: bagStore,
    deliveries: new DeliveryStore(pool),
    plans: new RoutePlanStore(pool, bagStore),
  };
  const warehouses = new Warehouses(stores.warehouses);
  const waves = new Waves(pool, stores, config.PICKUP_CODE_SECRET, runtime.logger);
  const planner = new RoutePlanner(pool, stores, travelTimes, runtime.logger, { leaseMs: config.ROUTE_PLAN_LEASE_MS, vehicleCost: config.ROUTE_VEHICLE_COST_M });
  const attempts = new PickupAttemptLimit(runtime.redis!, config.REDIS_PREFIX, config.PICKUP_CODE_ATTEMPTS, config.PICKUP_CODE_WINDOW_MS);
  const deliveries = new Deliveries(pool, stores, travelTimes, config.PICKUP_CODE_SECRET, attempts);

  runtime.addConsumer(await consumeOrderEvents(runtime.bus!, waves));

  if (config.WAVE_CLOSE_INTERVAL_MS > 0) {
    let closing: Promise<unknown> = Promise.resolve();
    const sweeper = setInterval(() => {
      closing = Promise.all([waves.adoptOrphans(), waves.closeDue()]).catch((err: unknown) => runtime.logger.warn({ err: (err as Error).message }, 'wave sweep failed'));
    }, config.WAVE_CLOSE_INTERVAL_MS);
    runtime.onStopTakingWork('wave sweeper', async () => {
      clearInterval(sweeper);
      await closing;
    });
  }
  runtime.onStopTakingWork('route planning', () => planner.drain());

  await runtime.start([{ definition: FulfillmentServiceService, implementation: fulfillmentRpc({ warehouses, waves, planner, deliveries, scope: new StaffScope(stores.warehouses) }, runtime.logger) }]);
  return { runtime, warehouses, waves, planner, deliveries, travelTimes };
}
