// The leader's share link a buyer arrived through (`share` in the URL): kept for this tab and sent
// with the next order, then forgotten once an order has been answered for it, with a word on what
// it did (credited the leader, or why not).
import type { ShareLinkOutcomeView } from '@lc/contracts/views';
import { param, toast } from './dom.js';

const KEY = 'lc.shareToken';

const SAID: Record<ShareLinkOutcomeView['status'], string> = {
  APPLIED: '已加入团长的团 You joined the leader of this link',
  ALREADY_BOUND: '您已有团长，本单仍记在原团长名下 You already have a leader; this order counts for them',
  INVALID: '分享链接无效，本单未绑定团长 The share link is not valid; no leader was joined',
  EXPIRED: '分享链接已过期，本单未绑定团长 The share link has expired; no leader was joined',
  FOREIGN: '分享链接不适用于此商品，本单未绑定团长 The share link is for another product or live session; no leader was joined',
};

/** Keeps the link of this page's URL, if it has one. */
export function rememberShareLink(): void {
  const token = param('share');
  if (token) sessionStorage.setItem(KEY, token);
}

/** The field to send with an order: the link's token, if one is kept. */
export function shareLinkField(): { shareToken?: string } {
  const token = sessionStorage.getItem(KEY);
  return token ? { shareToken: token } : {};
}

/** Tells the buyer what the link did and forgets it. */
export function noteShareLinkOutcome(outcome: ShareLinkOutcomeView | undefined): void {
  if (!outcome) return;
  sessionStorage.removeItem(KEY);
  toast(SAID[outcome.status], outcome.applied ? 'info' : 'error');
}
