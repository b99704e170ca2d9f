// Leader service configuration.
import { z } from 'zod';
import { configTypes, localAddresses, serviceConfigShape } from '@lc/kit';
import { isTimeZone } from '@lc/contracts';
import { DEFAULT_RATES, rateTableSchema } from './domain/commission.js';

const ianaZone = z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai');

const rateTable = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(rateTableSchema);

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8085, GRPC_PORT: 50055, DB_SCHEMA: 'leader' },
  {
    // Inventory holds the catalog: a SKU's category sets its commission rate.
    INVENTORY_ADDR: localAddresses.INVENTORY_ADDR,
    // Fulfillment owns pickup points: an approved leader's is opened there.
    FULFILLMENT_ADDR: localAddresses.FULFILLMENT_ADDR,
    // The zone of a leader first seen in an event (seeded and pre-onboarding leaders).
    DEFAULT_LEADER_ZONE: ianaZone.default('Asia/Shanghai'),
    // Commission rates in basis points by product category and tier, JSON:
    // {"*": {"NEW": 500, "GROWING": 600, "STAR": 800}, "fresh": {...}}; "*" covers the rest.
    COMMISSION_RATES: rateTable.default(DEFAULT_RATES),
    // The smallest withdrawal a leader may request, in fen.
    WITHDRAWAL_MIN_FEN: z.coerce.number().int().min(1).default(1000),
    // Where withdrawals are paid. The only one built is the sandbox (it pays into its own table):
    // production must name it, so real leaders never meet a test provider by default.
    PAYOUT_PROVIDER: configTypes.requiredInProduction(z.enum(['sandbox']).optional(), 'to name the payout provider'),
    // How often the settlement and tier jobs look for due work; 0 turns them off.
    JOBS_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  },
);

export type LeaderConfig = z.infer<z.ZodObject<typeof configShape>>;
