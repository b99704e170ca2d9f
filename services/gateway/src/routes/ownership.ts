// Whose warehouse and whose pickup point: the ownership questions routes ask before acting.
import { DomainError, type RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient } from '@lc/contracts';
import type { User } from '../domain/users.js';

/**
 * The warehouse a staff member or operator acts on: staff always their own (naming another is
 * refused), an operator the one they name.
 */
export function actingWarehouse(user: User, named: string | undefined): string {
  if (user.role === 'warehouse') {
    if (!user.warehouseId) throw new DomainError('FORBIDDEN', 'your token names no warehouse');
    if (named !== undefined && named !== user.warehouseId) throw new DomainError('FORBIDDEN', `warehouseId: you work for ${user.warehouseId}, not ${named}`);
    return user.warehouseId;
  }
  if (user.role === 'admin') {
    if (!named) throw new DomainError('INVALID_ARGUMENT', 'warehouseId is required');
    return named;
  }
  throw new DomainError('FORBIDDEN', `role ${user.role} may not do this`);
}

/** What fulfillment is told about who asks (staff carry their warehouse). */
export function actorOf(user: User) {
  return { userId: user.id, role: user.role, warehouseId: user.warehouseId ?? '' };
}

/** Refuses unless the leader's pickup point is served by the warehouse. */
export async function requireServedBy(fulfillment: RpcClient<FulfillmentServiceClient>, leaderId: string, warehouseId: string, field: string): Promise<void> {
  const { pickupPoint } = await fulfillment.call((c) => c.getLeaderPickupPoint, { leaderId }, { idempotent: true });
  if (!pickupPoint) throw new DomainError('FORBIDDEN', `${field}: leader ${leaderId} has no pickup point yet`);
  if (pickupPoint.warehouseId !== warehouseId) throw new DomainError('FORBIDDEN', `${field}: ${warehouseId} does not serve the pickup point of leader ${leaderId}`);
}
