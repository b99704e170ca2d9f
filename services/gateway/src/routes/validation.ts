// Request validation with zod: a bad field becomes a 400 naming it.
import { z } from 'zod';

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  return schema.parse(value ?? {});
}

export const id = (what: string) => z.string({ error: `${what} must be a string` }).min(1, `${what} is required`).max(100);
export const uuid = (what: string) => z.uuid({ error: `${what} must be a UUID` });
export const fen = z.number({ error: 'must be an integer number of fen' }).int('must be an integer number of fen').min(0).max(100_000_000);
export const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time with a zone, e.g. 2026-11-26T20:00:00+08:00' });
