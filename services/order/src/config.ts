// Order service configuration.
import { z } from 'zod';
import { configTypes, localAddresses, serviceConfigShape } from '@lc/kit';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8083, GRPC_PORT: 50053, DB_SCHEMA: 'orders' },
  {
    INVENTORY_ADDR: localAddresses.INVENTORY_ADDR,
    // Pickup points are fulfillment's: the order service keeps a copy to check placements.
    FULFILLMENT_ADDR: localAddresses.FULFILLMENT_ADDR,
    PICKUP_POINT_REFRESH_MS: z.coerce.number().int().positive().default(30_000),
    // A buyer's chosen point made on another replica is seen here within this long.
    PICKUP_CHOICE_CACHE_MS: z.coerce.number().int().nonnegative().default(10_000),
    PAYMENT_WEBHOOK_SECRET: configTypes.secret('sandbox-webhook-secret-dev-only'),
    // Where the sandbox provider posts its callbacks; defaults to this service's own webhook.
    PAYMENT_WEBHOOK_URL: z.string().url().optional(),
    EXPIRY_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
    // The payment provider; only the sandbox exists, and production must name it to run it.
    PAYMENT_PROVIDER: configTypes.requiredInProduction(
      z.enum(['sandbox']).optional(),
      '(the only implemented provider is "sandbox", which approves every charge: set PAYMENT_PROVIDER=sandbox to run it knowingly)',
    ),
    // A refund still REQUESTED this long after its last attempt is asked for again.
    REFUND_RETRY_AFTER_MS: z.coerce.number().int().positive().default(30_000),
    // The reconciliation reports a payment PENDING, or a refund REQUESTED, for longer than this.
    PAYMENT_SETTLE_TIMEOUT_MS: z.coerce.number().int().positive().default(15 * 60_000),
    // How often each replica looks for after-sales cases past their 24 h / 48 h deadlines.
    AFTER_SALES_SLA_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
    // Signs and checks leaders' share links (this service owns the binding they make); its own key,
    // so no other token can pass for a link. Production must set it.
    SHARE_LINK_SECRET: configTypes.secret('dev-only-share-link-secret-change-me-0123456', 32),
    SHARE_LINK_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
    SHARE_LINK_MAX_TTL_SECONDS: z.coerce.number().int().min(60).default(30 * 24 * 3600),
    // How often each replica runs the group-buy cut-off job (reminders, decisions, refunds and
    // releases); 0 turns it off (tests run passes by hand).
    GROUP_BUY_INTERVAL_MS: z.coerce.number().int().nonnegative().default(1000),
    // The leader is reminded this long before a group buy's cut-off.
    GROUP_BUY_REMIND_BEFORE_MS: z.coerce.number().int().positive().default(3600_000),
  },
);

export type OrderConfig = z.infer<z.ZodObject<typeof configShape>>;
