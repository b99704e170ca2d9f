// Leader service configuration.
import { z } from 'zod';
import { localAddresses, serviceConfigShape } from '@lc/kit';

const ianaZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone, e.g. Asia/Shanghai');

export const configShape = serviceConfigShape(
  { HTTP_PORT: 8085, GRPC_PORT: 50055, DB_SCHEMA: 'leader' },
  {
    // Inventory holds the catalog: a SKU's category sets its commission rate.
    INVENTORY_ADDR: localAddresses.INVENTORY_ADDR,
    // The zone of a leader first seen in an event (seeded and pre-onboarding leaders).
    DEFAULT_LEADER_ZONE: ianaZone.default('Asia/Shanghai'),
  },
);

export type LeaderConfig = z.infer<z.ZodObject<typeof configShape>>;
export { ianaZone };
