// What a store needs to run a statement: the pool, or the client of a transaction a use case opened.
import type { PoolClient } from '@lc/kit';

export type Db = Pick<PoolClient, 'query'>;

/** A timestamp column read as epoch milliseconds, named `<as>_ms`. */
export const msCol = (col: string, as = col) => `(extract(epoch from ${col}) * 1000)::bigint AS ${as}_ms`;
