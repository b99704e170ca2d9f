// Warehouse staff act only on their own warehouse: the warehouse a wave, bag, route plan or route
// belongs to, checked before anything is read out or changed. Someone else's is "not found" to
// them, so ids of other warehouses cannot be probed.
import { DomainError, type Pool } from '@lc/kit';
import type { Actor } from '@lc/contracts';

export type Scoped = { wave: string } | { bag: string } | { plan: string } | { route: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const WAREHOUSE_OF = {
  wave: 'SELECT warehouse_id FROM waves WHERE id = $1',
  bag: 'SELECT w.warehouse_id FROM bags b JOIN waves w ON w.id = b.wave_id WHERE b.id = $1',
  plan: 'SELECT w.warehouse_id FROM route_plans p JOIN waves w ON w.id = p.wave_id WHERE p.id = $1',
  route: 'SELECT warehouse_id FROM routes WHERE id = $1',
} as const;

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
  constructor(private readonly pool: Pool) {}

  /** Refuses staff of another warehouse than the thing's; an unknown thing is left to its module. */
  async check(actor: Actor, thing: Scoped): Promise<void> {
    if (actor.role !== 'warehouse') return;
    const [kind, id] = Object.entries(thing)[0] as [keyof typeof WAREHOUSE_OF, string];
    if (!UUID.test(id)) return;
    const { rows } = await this.pool.query<{ warehouse_id: string }>(WAREHOUSE_OF[kind], [id]);
    if (rows[0] && rows[0].warehouse_id !== actor.warehouseId) throw new DomainError('NOT_FOUND', `${LABEL[kind]} ${id}`);
  }
}
