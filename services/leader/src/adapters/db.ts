// What a store needs to run a statement: the pool, or the client of a transaction a use case opened.
import type { PoolClient } from '@lc/kit';

export type Db = Pick<PoolClient, 'query'>;
