// Fulfillment service configuration.
import { z } from 'zod';
import { serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape({ HTTP_PORT: 8084, GRPC_PORT: 50054, DB_SCHEMA: 'fulfillment' }, {});

export type FulfillmentConfig = z.infer<z.ZodObject<typeof configShape>>;
