// What a leader's share link does to an order: which leader it may bind the buyer to, and what the
// buyer is told. Pure; the token's signature and expiry are checked by the share-token adapter.

/** A share token as read: signed by us and current, or why not. */
export type ShareTokenReading =
  | { kind: 'VALID'; leaderId: string; liveSessionId: string; skuId: string; expiresAtMs: number }
  | { kind: 'INVALID' }
  | { kind: 'EXPIRED' };

export type ShareLinkStatusName = 'APPLIED' | 'ALREADY_BOUND' | 'INVALID' | 'EXPIRED' | 'FOREIGN';

/** Where an order was placed: the session and SKU a scoped link must match. */
export interface OrderScope {
  liveSessionId: string;
  skuId: string;
}

/** A valid link is for any order unless it names a session or SKU; then only for that one. */
function inScope(link: Extract<ShareTokenReading, { kind: 'VALID' }>, order: OrderScope): boolean {
  return (!link.liveSessionId || link.liveSessionId === order.liveSessionId) && (!link.skuId || link.skuId === order.skuId);
}

/** The leader the link may bind the buyer to for this order ('' when it may bind nobody). */
export function shareLinkLeader(link: ShareTokenReading | undefined, order: OrderScope): string {
  return link?.kind === 'VALID' && inScope(link, order) ? link.leaderId : '';
}

/**
 * What the link did, given the leader the placed order credits. A link never moves a binding that
 * exists (the first order through a valid link binds for good), so a valid link of another leader
 * is ALREADY_BOUND rather than an error.
 */
export function shareLinkStatus(link: ShareTokenReading | undefined, order: OrderScope & { leaderId: string }): ShareLinkStatusName | undefined {
  if (!link) return undefined;
  if (link.kind !== 'VALID') return link.kind;
  if (!inScope(link, order)) return 'FOREIGN';
  return order.leaderId === link.leaderId ? 'APPLIED' : 'ALREADY_BOUND';
}
