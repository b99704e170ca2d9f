// A user's notification inbox as REST and the socket send it: the notice kinds, the page the list
// answers with, and the two socket pushes (`notice:new`, `notice:unread`) every open page hears.
import type { Notice } from '../gen/livecommerce/v1/notice.js';

export const NOTICE_KINDS = [
  'ORDER_PAID',
  'ORDER_PACKED',
  'OUT_FOR_DELIVERY',
  'READY_FOR_PICKUP',
  'PICKED_UP',
  'REFUND_ISSUED',
  'AFTER_SALES_ANSWERED',
  'GROUP_BUY_FAILED',
  'DEFERRED',
  // To the leader: their group buy's cut-off is near (and how far it is from its minimum).
  'GROUP_BUY_REMINDER',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeView {
  id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  orderId: string | null;
  refundFen: number | null;
  /** READY_FOR_PICKUP while the parcel waits at the point; null otherwise. */
  pickupCode: string | null;
  pickupPointName: string | null;
  read: boolean;
  createdAt: string;
}

/** `GET /api/v1/notifications`: newest first; `nextCursor` fetches the older page. */
export interface NoticePage {
  notifications: NoticeView[];
  unreadCount: number;
  nextCursor: string | null;
}

export const NOTICE_PAGE = { defaultLimit: 20, maxLimit: 50, maxMarkIds: 100 } as const;

/** Socket events the server pushes to the user's own sockets (room `user:<id>`), on any page. */
export const NOTICE_PUSH = { created: 'notice:new', unread: 'notice:unread' } as const;
export interface NoticeCreatedPush {
  notice: NoticeView;
  unreadCount: number;
}
export interface NoticeUnreadPush {
  unreadCount: number;
}

export function noticeJson(n: Notice): NoticeView {
  return {
    id: n.id,
    kind: n.kind as NoticeKind,
    title: n.title,
    body: n.body,
    orderId: n.orderId || null,
    refundFen: n.refundFen ? Number(n.refundFen) : null,
    pickupCode: n.pickupCode || null,
    pickupPointName: n.pickupPointName || null,
    read: n.read,
    createdAt: new Date(Number(n.createdAtMs)).toISOString(),
  };
}
