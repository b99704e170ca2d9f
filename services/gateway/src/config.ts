// Gateway configuration.
import { z } from 'zod';
import { configTypes, corsOriginsVar, localAddresses, serviceConfigShape, weChatConfigVars } from '@lc/kit';

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const configShape = serviceConfigShape(
  // The gateway's own schema holds identity: users, sign-in codes, sessions.
  { HTTP_PORT: 8080, GRPC_PORT: 50050, DB_SCHEMA: 'identity' },
  {
    ...localAddresses,
    JWT_SECRET: configTypes.secret('dev-only-jwt-secret-change-me-0123456789', 32),
    // The longest an access token may live (the verifier refuses longer ones); the dev login's.
    JWT_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 3600),
    // Phone sign-in hands out short access tokens and renews them with refresh tokens.
    ACCESS_TOKEN_TTL_SECONDS: count(15 * 60),
    REFRESH_TOKEN_TTL_SECONDS: count(30 * 24 * 3600),
    // A refresh token presented again this soon after its rotation, its successor still unused, is
    // taken as a lost answer (a tab reloaded mid-refresh) rather than a copy; 0 turns that off.
    REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
    // Keys the HMAC each one-time code is stored as.
    SIGN_IN_CODE_SECRET: configTypes.secret('dev-only-sign-in-code-secret-change-me-0123', 32),
    SIGN_IN_CODE_TTL_SECONDS: count(300),
    SIGN_IN_CODE_ATTEMPTS: count(5),
    // Shared by every gateway pod (Redis token buckets), per hour.
    SIGN_IN_CODES_PER_PHONE_PER_HOUR: count(5),
    SIGN_IN_CODES_PER_IP_PER_HOUR: count(30),
    SIGN_IN_TRIES_PER_IP_PER_HOUR: count(60),
    // How long a pod trusts what it read about revoked tokens (revocations are also broadcast).
    REVOCATION_CACHE_MS: z.coerce.number().int().min(0).default(5000),
    // Proxies in front of the gateway (ingress, load balancer) whose X-Forwarded-For is trusted.
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    // Where codes go. Unset: the development inbox (log + table), which production refuses.
    SMS_SENDER: configTypes.requiredInProduction(z.enum(['http-relay']).optional(), 'naming a real SMS sender (http-relay, with SMS_RELAY_URL and SMS_RELAY_SECRET)'),
    SMS_RELAY_URL: configTypes.url(['http:', 'https:']).optional(),
    SMS_RELAY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // Buyers link WeChat (for template-message notices) through the Official Account's OAuth; on
    // only with the app's id and secret and the page WeChat returns to (registered with WeChat as
    // an authorized domain, normally the buyer's orders page). Set all or none.
    ...weChatConfigVars,
    WECHAT_OAUTH_REDIRECT_URL: configTypes.httpsInProduction(configTypes.url(['http:', 'https:']).optional()),
    // The dev login mints tokens for seeded users and any buyer-<n>; production refuses to start
    // with it on, and leaves it off when unset.
    DEV_LOGIN: configTypes.devOnlyFlag(),
    ORDER_RATE_PER_SECOND: z.coerce.number().positive().default(5),
    ORDER_RATE_BURST: z.coerce.number().int().positive().default(20),
    WEB_DIR: z.string().optional(),
    // The live room's public base URL (socket.io), told to pages at GET /api/v1/config. Unset:
    // pages use this host on the live room's development port.
    LIVE_ROOM_PUBLIC_URL: configTypes.url(['http:', 'https:']).optional(),
    // Browser origins allowed to call the API (comma-separated); required in production.
    CORS_ORIGINS: corsOriginsVar,
  },
);

export type GatewayConfig = z.infer<z.ZodObject<typeof configShape>>;

export function devLoginEnabled(config: GatewayConfig): boolean {
  return config.DEV_LOGIN ?? config.NODE_ENV !== 'production';
}
