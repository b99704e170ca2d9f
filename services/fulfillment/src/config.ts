// Fulfillment service configuration.
import { z } from 'zod';
import { configTypes, serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8084, GRPC_PORT: 50054, DB_SCHEMA: 'fulfillment' },
  {
    // Keys the pickup codes (derivation and stored hash); rotating it invalidates codes not yet used.
    PICKUP_CODE_SECRET: configTypes.secret('pickup-code-secret-dev-only-0123'),
    // An OSRM-compatible router for travel times; great-circle distance when unset.
    OSRM_URL: configTypes.url(['http:', 'https:']).optional(),
    ROAD_FACTOR: z.coerce.number().min(1).max(3).default(1.3),
    AVERAGE_SPEED_KMH: z.coerce.number().positive().max(200).default(30),
    // How often waves past their cut-off are closed (and waiting orders adopted); 0 turns it off.
    WAVE_CLOSE_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
    // Pickup codes a leader may try per window (right codes give their attempt back); shared by
    // every pod through Redis.
    PICKUP_CODE_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
    PICKUP_CODE_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
    // How long a PLANNING route plan stays its pod's without a renewal; after that the next plan
    // request for the wave abandons it and plans again.
    ROUTE_PLAN_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
    // What one more vehicle costs in metres of driving, for operators who pay per kilometre rather
    // than per van; unset, plans use the fewest vehicles first and then the shortest distance.
    ROUTE_VEHICLE_COST_M: z.coerce.number().min(0).optional(),
  },
);

export type FulfillmentConfig = z.infer<z.ZodObject<typeof configShape>>;
