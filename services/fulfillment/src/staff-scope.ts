// Warehouse staff act only on their own warehouse: the warehouse named, or the one a wave, bag,
// route plan or route belongs to, checked before anything is read out or changed. Another
// warehouse's is refused (FORBIDDEN, as the gateway refuses naming another warehouse and stock
// does); an id nobody has is not found. Wave, bag, plan and route ids are random UUIDs, so telling
// the two apart gives nothing worth hiding away, and staff who followed a wrong link learn that it
// is not theirs rather than that it vanished.
import { DomainError } from '@lc/kit';
import type { Actor } from '@lc/contracts';
import type { ScopedKind, WarehouseStore } from './adapters/warehouse-store.js';
import { isUuid } from './domain/ids.js';

export type Scoped = { warehouse: string } | { wave: string } | { bag: string } | { plan: string } | { route: string };

const LABEL = { wave: 'waveId: wave', bag: 'bagId: bag', plan: 'planId: route plan', route: 'routeId: route' } as const;

/** The actor, which must name a user and role; staff must also carry their warehouse. */
export function staffActor(a: Actor | undefined): Actor {
  if (!a?.userId || !a.role) throw new DomainError('UNAUTHENTICATED', 'actor is required');
  if (a.role === 'warehouse' && !a.warehouseId) throw new DomainError('FORBIDDEN', 'warehouse staff without a warehouse may not act');
  if (a.role !== 'warehouse' && a.role !== 'admin') throw new DomainError('FORBIDDEN', `role ${a.role} may not do this`);
  return a;
}

export class StaffScope {
  constructor(private readonly store: WarehouseStore) {}

  /** Refuses staff of another warehouse than the thing's; an unknown thing is left to its module. */
  async check(actor: Actor, thing: Scoped): Promise<void> {
    if (actor.role !== 'warehouse') return;
    const [kind, id] = Object.entries(thing)[0] as [ScopedKind, string];
    // Only warehouse ids are not UUIDs; a malformed id of the others is nobody's.
    if (kind !== 'warehouse' && !isUuid(id)) return;
    const warehouseId = await this.store.warehouseOf(kind, id);
    if (!warehouseId || warehouseId === actor.warehouseId) return;
    throw new DomainError('FORBIDDEN', kind === 'warehouse' ? `warehouseId: you work for ${actor.warehouseId}, not ${id}` : `${LABEL[kind]} ${id} belongs to another warehouse than yours (${actor.warehouseId})`);
  }
}
