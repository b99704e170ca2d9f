// Inventory's configuration.
import { z } from 'zod';
import { serviceConfigShape } from '@lc/kit';
import { isTimeZone } from '@lc/contracts';

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8082, GRPC_PORT: 50052, DB_SCHEMA: 'inventory' },
  {
    SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
    // Expired holds wait this long for the order service to cancel them first.
    SWEEP_GRACE_MS: z.coerce.number().int().nonnegative().default(5000),
    // An ended pool returns its unsold units this long after its end: a hold won in Redis just
    // before the end may still be on its way to Postgres.
    POOL_CLOSE_DELAY_MS: z.coerce.number().int().nonnegative().default(30_000),
    // How long an order at list price holds its units waiting for payment.
    LIST_PRICE_HOLD_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    // Units one buyer may hold or buy of a SKU whose own per-buyer limit is 0 (unset).
    SKU_DEFAULT_PER_BUYER_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
    // Unpaid list-price orders one buyer may have open at once, over all SKUs.
    MAX_OPEN_LIST_PRICE_HOLDS: z.coerce.number().int().min(1).max(1000).default(5),
    // The stock ledger (issue 16 point 6): a SKU is low at or below this many units on hand
    // unless staff set its own level; expiry dates of received goods are checked against today in
    // this zone (the warehouses' zone).
    LOW_STOCK_DEFAULT_LEVEL: z.coerce.number().int().min(0).max(1_000_000).default(20),
    STOCK_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai').default('Asia/Shanghai'),
  },
);

export type InventoryConfig = z.infer<z.ZodObject<typeof configShape>>;
