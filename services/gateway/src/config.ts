// Gateway configuration.
import { z } from 'zod';
import { configTypes, corsOriginsVar, localAddresses, serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8080, GRPC_PORT: 50050, DB_SCHEMA: 'gateway' },
  {
    ...localAddresses,
    JWT_SECRET: configTypes.secret('dev-only-jwt-secret-change-me-0123456789', 32),
    JWT_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 3600),
    // The dev login mints tokens for seeded users and any buyer-<n>; production refuses to start
    // with it on, and leaves it off when unset.
    DEV_LOGIN: configTypes.devOnlyFlag(),
    ORDER_RATE_PER_SECOND: z.coerce.number().positive().default(5),
    ORDER_RATE_BURST: z.coerce.number().int().positive().default(20),
    WEB_DIR: z.string().optional(),
    // Browser origins allowed to call the API (comma-separated); required in production.
    CORS_ORIGINS: corsOriginsVar,
  },
);

export type GatewayConfig = z.infer<z.ZodObject<typeof configShape>>;

export function devLoginEnabled(config: GatewayConfig): boolean {
  return config.DEV_LOGIN ?? config.NODE_ENV !== 'production';
}
