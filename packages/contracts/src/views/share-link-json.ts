// Share-link outcomes and customers from their proto messages to the public JSON shapes.
import type { LeaderCustomer } from '../gen/livecommerce/v1/leader_customers.js';
import { ShareLinkStatus, shareLinkStatusToJSON } from '../gen/livecommerce/v1/share_link.js';
import type { LeaderCustomerView, ShareLinkOutcomeView, ShareLinkStatusName } from './share-link.js';

const SHARE_LINK_MESSAGES: Record<ShareLinkStatusName, string> = {
  APPLIED: 'the order credits the leader whose link you opened',
  ALREADY_BOUND: 'you already belong to another leader; the order credits them',
  INVALID: 'the share link is not valid (not signed by us); the order is not credited through it',
  EXPIRED: 'the share link has expired; the order is not credited through it',
  FOREIGN: 'the share link is for another live session or product; the order is not credited through it',
};

/** The outcome to send, or undefined when no token came with the order. */
export function shareLinkOutcome(status: ShareLinkStatus): ShareLinkOutcomeView | undefined {
  if (status === ShareLinkStatus.SHARE_LINK_STATUS_UNSPECIFIED) return undefined;
  const name = shareLinkStatusToJSON(status).replace(/^SHARE_LINK_STATUS_/, '') as ShareLinkStatusName;
  return { status: name, applied: name === 'APPLIED', message: SHARE_LINK_MESSAGES[name] };
}

export function leaderCustomerJson(c: LeaderCustomer): LeaderCustomerView {
  return {
    buyerId: c.buyerId,
    firstOrderAt: new Date(c.firstOrderAtMs).toISOString(),
    lastOrderAt: new Date(c.lastOrderAtMs).toISOString(),
    orders: c.orders,
    spendFen: c.spendFen,
    repurchased: c.repurchased,
  };
}
