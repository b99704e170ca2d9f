// Leaders: reading one (a leader reads themself, an admin anyone) and recording those first seen
// in events.
import { DomainError } from '@lc/kit';
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

  /** A leader named by an event: recorded in the default zone, joined then, if new. */
  ensure(leaderId: string, seenAtMs: number, db?: Db): Promise<LeaderRow> {
    return this.store.ensure(leaderId, this.defaultZone, seenAtMs, db);
  }
}
