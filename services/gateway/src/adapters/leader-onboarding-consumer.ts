// Approved leaders become users who sign in by phone with the leader role (id = leaderId, so their
// tokens name the leader the pickup point and commission ledger know). Redelivery changes nothing.
import { DomainError, type EventBus, type Logger, type TokenRevocations } from '@lc/kit';
import type { LeaderApplicationApproved } from '@lc/contracts';
import { normalizePhone } from '../domain/phone.js';
import type { IdentityStore } from './identity-store.js';

/** `leader.application.approved`, as the leader service publishes it; the gateway does without the point's fields. */
export type LeaderApproved = Pick<LeaderApplicationApproved, 'applicationId' | 'leaderId' | 'name' | 'phone'> &
  Partial<Pick<LeaderApplicationApproved, 'community' | 'pickupPointId' | 'warehouseId' | 'zone'>>;

export function consumeLeaderApprovals(bus: EventBus, store: IdentityStore, revocations: TokenRevocations, logger: Logger) {
  return bus.consume<LeaderApproved>({
    stream: 'LEADER',
    durable: 'gateway-leader-users',
    subjects: ['leader.application.approved'],
    handler: async (event) => {
      const phone = typeof event.phone === 'string' ? normalizePhone(event.phone) : undefined;
      if (typeof event.leaderId !== 'string' || !event.leaderId || !phone || typeof event.name !== 'string') {
        // A domain refusal goes to the dead-letter stream at once, where it can be fixed and replayed.
        throw new DomainError('INVALID_ARGUMENT', 'leader.application.approved without leaderId, name or a mobile phone');
      }
      const { changed, revokedUserIds } = await store.upsertLeader({
        id: event.leaderId,
        phone,
        role: 'leader',
        name: event.name,
        warehouseId: event.warehouseId || undefined,
        pickupPointId: event.pickupPointId || undefined,
      });
      for (const userId of revokedUserIds) {
        const user = await store.userById(userId);
        if (user) await revocations.raiseFloor(userId, user.tokenGeneration);
      }
      if (changed) logger.info({ leaderId: event.leaderId, applicationId: event.applicationId }, 'approved leader can sign in by phone');
    },
  });
}
