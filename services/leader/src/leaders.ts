// Leaders: reading one (a leader reads themself, an admin anyone) and recording those first seen
// in events.
import { BoundedMap, DomainError } from '@lc/kit';
import type { Actor } from '@lc/contracts';
import type { LeaderRow, LeaderStore } from './adapters/leader-store.js';
import type { Db } from './adapters/db.js';

export function checkLeaderAccess(actor: Actor | undefined, leaderId: string): void {
  if (!actor?.userId || !actor.role) throw new DomainError('UNAUTHENTICATED', 'actor is required');
  if (actor.role === 'admin') return;
  if (actor.role === 'leader' && actor.userId === leaderId) return;
  throw new DomainError('FORBIDDEN', "a leader reads only their own business");
}

export class Leaders {
  constructor(
    private readonly store: LeaderStore,
    private readonly defaultZone: string,
  ) {}

  async get(actor: Actor | undefined, leaderId: string): Promise<LeaderRow> {
    checkLeaderAccess(actor, leaderId);
    const leader = await this.store.byId(leaderId);
    if (!leader) throw new DomainError('NOT_FOUND', `leader ${leaderId} not found`);
    return leader;
  }

  byId(leaderId: string, db?: Db): Promise<LeaderRow | undefined> {
    return this.store.byId(leaderId, db);
  }

  /** Every leader (for the daily and monthly jobs). */
  all(): Promise<LeaderRow[]> {
    return this.store.all();
  }

  /**
   * Each named leader's zone, recording those seen for the first time. Zones are remembered for a
   * minute, so a burst of orders asks Postgres once per leader, and a changed zone still arrives.
   */
  async zones(seen: { leaderId: string; seenAtMs: number }[], db?: Db): Promise<Map<string, string>> {
    const now = Date.now();
    const out = new Map<string, string>();
    const missing = new Map<string, number>();
    for (const { leaderId, seenAtMs } of seen) {
      const hit = this.zoneCache.get(leaderId);
      if (hit && hit.untilMs > now) out.set(leaderId, hit.zone);
      else missing.set(leaderId, Math.min(seenAtMs, missing.get(leaderId) ?? Infinity));
    }
    if (missing.size) {
      const { zones, added } = await this.store.ensureMany([...missing].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, joinedAtMs]) => ({ id, joinedAtMs })), this.defaultZone, db);
      for (const [id, zone] of zones) {
        out.set(id, zone);
        // A leader added by this (uncommitted) transaction is not cached: until it commits, a
        // concurrent batch trusting the cache would reference a row it cannot see (a foreign-key
        // failure), and after a rollback the row never exists.
        if (!added.has(id)) this.zoneCache.set(id, { zone, untilMs: now + 60_000 });
      }
    }
    return out;
  }

  private readonly zoneCache = new BoundedMap<string, { zone: string; untilMs: number }>(50_000);
}
