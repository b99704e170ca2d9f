// The Redis side of a flash-sale pool: the Lua steps of the hot path. All of a pool's keys share
// the hash tag {fs:<id>} so each step stays in one Redis Cluster slot.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from '@lc/kit';
import type { SaleRefusal } from '@lc/contracts';

const luaDir = join(dirname(fileURLToPath(import.meta.url)), 'lua');
const script = (name: string) => readFileSync(join(luaDir, `${name}.lua`), 'utf8');

/** A pool's counts after a Lua step; `seq` orders the steps within one Redis generation `gen`. */
export interface PoolCounters {
  held: number;
  sold: number;
  quantity: number;
  seq: number;
  gen: string;
}

export type ReserveResult =
  | { kind: 'NOT_LOADED' }
  | { kind: 'REPLAY'; outcome: string; holdId: string; expiresAtMs: number; buyerId: string; qty: number }
  | ({ kind: 'RESERVED'; holdId: string; expiresAtMs: number } & PoolCounters)
  | ({ kind: SaleRefusal } & PoolCounters);

export type SettleAction = 'CONFIRM' | 'RELEASE' | 'UNDO';
export type SettleResult = { kind: 'NOT_LOADED' } | ({ kind: 'ABSENT' | SettleAction } & PoolCounters);

export interface PoolSnapshot {
  quantity: number;
  limit: number;
  startsAtMs: number;
  endsAtMs: number;
  holds: { holdId: string; buyerId: string; qty: number; key: string; expiresAtMs: number; status: 'HELD' | 'CONFIRMED' }[];
}

type LuaReply = (string | number)[];

declare module 'ioredis' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match ioredis' declaration
  interface RedisCommander<Context> {
    lcReserve(...args: (string | number)[]): Promise<LuaReply>;
    lcSettle(...args: (string | number)[]): Promise<LuaReply>;
    lcLoad(...args: (string | number)[]): Promise<string>;
    lcAdopt(...args: (string | number)[]): Promise<string>;
    lcEnd(...args: (string | number)[]): Promise<number>;
  }
}

export class HotPools {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('lcReserve', { numberOfKeys: 5, lua: script('reserve') });
    redis.defineCommand('lcSettle', { numberOfKeys: 5, lua: script('settle') });
    redis.defineCommand('lcLoad', { numberOfKeys: 5, lua: script('load') });
    redis.defineCommand('lcAdopt', { numberOfKeys: 5, lua: script('adopt') });
    redis.defineCommand('lcEnd', { numberOfKeys: 1, lua: script('end') });
  }

  keys(poolId: string): string[] {
    const base = `${this.prefix}{fs:${poolId}}`;
    return [`${base}:state`, `${base}:buyers`, `${base}:holds`, `${base}:keys`, `${base}:expiry`];
  }

  async reserve(poolId: string, args: { buyerId: string; qty: number; key: string; holdId: string; expiresAtMs: number; nowMs: number }): Promise<ReserveResult> {
    const r = await this.redis.lcReserve(...this.keys(poolId), args.buyerId, args.qty, args.key, args.holdId, args.expiresAtMs, args.nowMs);
    const kind = String(r[0]);
    if (kind === 'NOT_LOADED') return { kind };
    if (kind === 'REPLAY') {
      const [outcome = '', holdId = '', expires = '', ...rest] = String(r[1]).split('|');
      const qty = Number(rest.pop());
      return { kind, outcome, holdId, expiresAtMs: Number(expires || 0), buyerId: rest.join('|'), qty };
    }
    const counters = { held: Number(r[3]), sold: Number(r[4]), quantity: Number(r[5]), seq: Number(r[6]), gen: String(r[7]) };
    if (kind === 'RESERVED') return { kind, holdId: String(r[1]), expiresAtMs: Number(r[2]), ...counters };
    // The script answers with the shared refusal names (reserve.lua).
    return { kind: kind as SaleRefusal, ...counters };
  }

  async settle(poolId: string, holdId: string, action: SettleAction): Promise<SettleResult> {
    const r = await this.redis.lcSettle(...this.keys(poolId), holdId, action);
    const kind = String(r[0]);
    if (kind === 'NOT_LOADED') return { kind };
    return { kind: kind as SettleAction, held: Number(r[1]), sold: Number(r[2]), quantity: Number(r[3]), seq: Number(r[4]), gen: String(r[5]) };
  }

  /** Loads a snapshot unless the pool is already there; returns whether this call loaded it. */
  async load(poolId: string, snapshot: PoolSnapshot, gen: string): Promise<boolean> {
    const args: (string | number)[] = [snapshot.quantity, snapshot.limit, snapshot.startsAtMs, snapshot.endsAtMs, gen];
    for (const h of snapshot.holds) args.push(h.holdId, h.buyerId, h.qty, h.key, h.expiresAtMs, h.status);
    return (await this.redis.lcLoad(...this.keys(poolId), ...args)) === 'LOADED';
  }

  async end(poolId: string, endsAtMs: number): Promise<void> {
    await this.redis.lcEnd(this.keys(poolId)[0]!, endsAtMs);
  }

  async generation(poolId: string): Promise<string | null> {
    return this.redis.hget(this.keys(poolId)[0]!, 'gen');
  }

  async adopt(poolId: string, hold: { holdId: string; buyerId: string; qty: number; key: string; expiresAtMs: number }) {
    return (await this.redis.lcAdopt(...this.keys(poolId), hold.holdId, hold.buyerId, hold.qty, hold.key, hold.expiresAtMs)) as
      | 'NOT_LOADED'
      | 'PRESENT'
      | 'ADOPTED'
      | 'REFUSED';
  }

  /** Holds whose expiry passed `beforeMs` according to Redis (for reconciliation with Postgres). */
  async expiredHolds(poolId: string, beforeMs: number, limit = 500): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys(poolId)[4]!, '-inf', beforeMs, 'LIMIT', 0, limit);
  }
}
