// Order service configuration.
import { z } from 'zod';
import { configTypes, localAddresses, serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8083, GRPC_PORT: 50053, DB_SCHEMA: 'orders' },
  {
    INVENTORY_ADDR: localAddresses.INVENTORY_ADDR,
    PAYMENT_WEBHOOK_SECRET: configTypes.secret('sandbox-webhook-secret-dev-only'),
    // Where the sandbox provider posts its callbacks; defaults to this service's own webhook.
    PAYMENT_WEBHOOK_URL: z.string().url().optional(),
    EXPIRY_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  },
);

export type OrderConfig = z.infer<z.ZodObject<typeof configShape>>;
