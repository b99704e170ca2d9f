// The events the leader service consumes (order.*) and publishes (stream LEADER, `leader.>`, via
// the outbox). The payloads are declared in @lc/contracts (events.ts), shared with the other side.
import type { OrderEvent as OrderEventPayload, OrderRefund } from '@lc/contracts';

/**
 * What the leader service reads from every order.* event (the order's public fields), and from
 * order.refunded / order.partially_refunded what the refund adds.
 */
export type OrderEvent = Pick<OrderEventPayload, 'orderId' | 'buyerId' | 'leaderId' | 'skuId' | 'warehouseId' | 'qty' | 'totalFen' | 'status' | 'atMs'> & Partial<OrderRefund>;

export const CONSUMED_ORDER_EVENTS = ['order.paid', 'order.status.picked_up', 'order.refunded', 'order.partially_refunded'] as const;
export type ConsumedOrderSubject = (typeof CONSUMED_ORDER_EVENTS)[number];

/** Published when an admin approves a leader application (the gateway makes the leader's sign-in): `LeaderApplicationApproved`. */
export const LEADER_APPLICATION_APPROVED = 'leader.application.approved';
