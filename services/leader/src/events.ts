// The events the leader service consumes (order.*) and publishes (stream LEADER, `leader.>`, via
// the outbox).

/** What the leader service reads from every order.* event (the order's public fields). */
export interface OrderEvent {
  orderId: string;
  buyerId: string;
  leaderId: string;
  skuId: string;
  warehouseId: string;
  qty: number;
  totalFen: number;
  status: string;
  atMs: number;
  /** order.refunded / order.partially_refunded: the amount given back. */
  refundFen?: number;
  /** order.refunded: the payment refunded. */
  paymentId?: string;
  /** order.partially_refunded: one partial refund (an order may have several). */
  refundId?: string;
  cause?: string;
  caseId?: string;
}

export const CONSUMED_ORDER_EVENTS = ['order.paid', 'order.status.picked_up', 'order.refunded', 'order.partially_refunded'] as const;
export type ConsumedOrderSubject = (typeof CONSUMED_ORDER_EVENTS)[number];

/** Published when an admin approves a leader application (the gateway makes the leader's sign-in). */
export const LEADER_APPLICATION_APPROVED = 'leader.application.approved';
export interface LeaderApplicationApproved {
  applicationId: string;
  leaderId: string;
  name: string;
  phone: string;
  community: string;
  pickupPointId: string;
  warehouseId: string;
  zone: string;
}
