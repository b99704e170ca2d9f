// Request validation with zod: a bad field becomes a 400 naming it. Field rules are the shared
// ones of @lc/contracts, the same the live room's socket events use.
import type { z } from 'zod';

export { fen, id, isoTime, lat, lng, uuid } from '@lc/contracts';

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  return schema.parse(value ?? {});
}
