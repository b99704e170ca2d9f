// Share links, "我的团长" and a leader's customers as the REST API sends them (types only: web
// imports them). Money is integer fen; times are ISO strings.

/** What a share token did to an order (see ShareLinkStatus in share_link.proto). */
export type ShareLinkStatusName = 'APPLIED' | 'ALREADY_BOUND' | 'INVALID' | 'EXPIRED' | 'FOREIGN';

/** Sent beside an order placed with a shareToken. `bound` is false when the link credited nobody. */
export interface ShareLinkOutcomeView {
  status: ShareLinkStatusName;
  /** True when the order credits the link's leader. */
  applied: boolean;
  message: string;
}

export interface ShareLinkView {
  leaderId: string;
  token: string;
  /** Path on this site a buyer opens (shop or live room) with the token in `share`. */
  url: string;
  liveSessionId: string | null;
  skuId: string | null;
  expiresAt: string;
}

export interface MyLeaderView {
  /** null: bound to no leader yet (the first order through a leader's link binds). */
  leader: { id: string; name: string } | null;
  boundAt: string | null;
  pickupPoint: { id: string; name: string; address: string; opensAt: string; closesAt: string } | null;
}

export interface LeaderCustomerView {
  buyerId: string;
  firstOrderAt: string;
  lastOrderAt: string;
  orders: number;
  spendFen: number;
  repurchased: boolean;
}

export interface LeaderCustomersPage {
  leaderId: string;
  page: number;
  pageSize: number;
  total: number;
  /** Customers with two or more paid orders, across all pages. */
  repurchased: number;
  customers: LeaderCustomerView[];
}
