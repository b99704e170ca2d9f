// Warehouse staff act only on their own warehouse: the warehouse a wave, bag, route plan or route
// belongs to, checked before anything is read out or changed. Someone else's is "not found" to
// them, so ids of other warehouses cannot be probed.
import { DomainError } from '@lc/kit';
import type { Actor } from '@lc/contracts';
import type { ScopedKind, WarehouseStore } from './adapters/warehouse-store.js';
import { isUuid } from './domain/ids.js';

export type Scoped = { wave: string } | { bag: string } | { plan: string } | { route: string };

const LABEL = { wave: 'waveId: no wave', bag: 'bagId: no bag', plan: 'planId: no route plan', route: 'routeId: no route' } as const;

/** The actor, which must name a user and role; staff must also carry their warehouse. */
export function staffActor(a: Actor | undefined): Actor {
  if (!a?.userId || !a.role) throw new DomainError('UNAUTHENTICATED', 'actor is required');
  if (a.role === 'warehouse' && !a.warehouseId) throw new DomainError('FORBIDDEN', 'warehouse staff without a warehouse may not act');
  if (a.role !== 'warehouse' && a.role !== 'admin') throw new DomainError('FORBIDDEN', `role ${a.role} may not do this`);
  return a;
}

/** Refuses staff of another warehouse than the one named. */
export function checkWarehouse(actor: Actor, warehouseId: string): void {
  if (actor.role === 'warehouse' && actor.warehouseId !== warehouseId) throw new DomainError('NOT_FOUND', `warehouseId: no warehouse ${warehouseId}`);
}

export class StaffScope {
  constructor(private readonly store: WarehouseStore) {}

  /** Refuses staff of another warehouse than the thing's; an unknown thing is left to its module. */
  async check(actor: Actor, thing: Scoped): Promise<void> {
    if (actor.role !== 'warehouse') return;
    const [kind, id] = Object.entries(thing)[0] as [ScopedKind, string];
    if (!isUuid(id)) return;
    const warehouseId = await this.store.warehouseOf(kind, id);
    if (warehouseId && warehouseId !== actor.warehouseId) throw new DomainError('NOT_FOUND', `${LABEL[kind]} ${id}`);
  }
}
