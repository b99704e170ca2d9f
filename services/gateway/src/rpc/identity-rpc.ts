// IdentityService gRPC: what other services may learn about users from the gateway, which owns
// them. Only reaching data (phones, linked WeChat openids) for ids the caller already holds (a notice's user); no lookup
// by phone and no listing, so a caller cannot enumerate people.
import { DomainError, unaryService, type Logger } from '@lc/kit';
import type { IdentityServiceServer } from '@lc/contracts';
import type { IdentityStore } from '../adapters/identity-store.js';

/** The most ids one GetContacts call may name. */
export const MAX_CONTACT_IDS = 100;

export function identityRpc(store: IdentityStore, logger: Logger) {
  return unaryService<IdentityServiceServer>(
    {
      async getContacts(req) {
        const ids = req.userIds;
        if (!ids.length || ids.length > MAX_CONTACT_IDS) throw new DomainError('INVALID_ARGUMENT', `userIds: from 1 to ${MAX_CONTACT_IDS} user ids`);
        if (!ids.every((id) => id.length >= 1 && id.length <= 128)) throw new DomainError('INVALID_ARGUMENT', 'userIds: each must be 1 to 128 characters');
        if (new Set(ids).size !== ids.length) throw new DomainError('INVALID_ARGUMENT', 'userIds: each id at most once');
        return { contacts: await store.contactsOf(ids) };
      },
    },
    logger,
  );
}
