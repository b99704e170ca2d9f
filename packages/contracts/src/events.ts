// The payloads of the NATS events that cross services, declared once: the publisher types what it
// writes with them, each consumer reads them (or a `Pick<>` of what it needs), so a field renamed
// or dropped on one side fails to compile on the other. Subjects stay with their publishers.
import type { AfterSalesSla, AfterSalesStatus } from './views/after-sales.js';
import type { OrderCore, OrderStatusName } from './views/order.js';

/**
 * The payload of every order event (stream ORDER): the order's public fields when it changed.
 * Subjects: order.created, order.paid, order.cancelled, order.refunded, order.partially_refunded,
 * order.released, order.status.packed, order.status.out_for_delivery,
 * order.status.ready_for_pickup, order.status.picked_up. The refunds add `OrderRefund`.
 */
export type OrderEvent = Pick<OrderCore, 'buyerId' | 'leaderId' | 'liveSessionId' | 'flashSaleId' | 'skuId' | 'warehouseId' | 'qty' | 'totalFen' | 'pickupPointId'> & {
  orderId: string;
  status: OrderStatusName;
  /** When it changed; on order.released, the release (its delivery day follows the release). */
  atMs: number;
  /**
   * Only on an order of a group buy (开团): its order.paid is not a parcel yet; `order.released`
   * (same payload) says its group buy succeeded and it ships.
   */
  groupBuyId?: string;
};

/** What order.refunded and order.partially_refunded add to `OrderEvent`. */
export interface OrderRefund {
  /** The payment refunded. */
  paymentId: string;
  /** The amount given back. */
  refundFen: number;
  /** After-sales refunds: this one refund (an order may have several partial ones). */
  refundId?: string;
  cause?: string;
  caseId?: string;
}

/** order.refunded, order.partially_refunded. */
export type OrderRefundedEvent = OrderEvent & OrderRefund;

/**
 * A group buy's cut-off decided it (stream ORDER): order.group_buy.succeeded carries this;
 * order.group_buy.failed adds its orders (`GroupBuyFailedEvent`).
 */
export interface GroupBuyDecidedEvent {
  groupBuyId: string;
  leaderId: string;
  skuId: string;
  title: string;
  joinedQty: number;
  minQty: number;
  atMs: number;
}

/**
 * order.group_buy.failed: everyone with an order in it hears, paid (refunded next) or still
 * holding units (released). `orderIds` and `buyerIds` run side by side.
 */
export interface GroupBuyFailedEvent extends GroupBuyDecidedEvent {
  orderIds: string[];
  buyerIds: string[];
}

/** order.group_buy.reminder: an open group buy's cut-off is near (to its leader, once). */
export interface GroupBuyReminderEvent {
  groupBuyId: string;
  leaderId: string;
  title: string;
  cutoffAtMs: number;
  joinedQty: number;
  minQty: number;
  atMs: number;
}

/** The payload of every order.after_sales.* event (opened, answered, resolved, escalated). */
export interface AfterSalesEvent {
  caseId: string;
  orderId: string;
  buyerId: string;
  leaderId: string;
  /** The case's status, not the order's. */
  status: AfterSalesStatus;
  /** order.after_sales.resolved: the amount refunded (0 for none). */
  refundFen?: number;
  /** order.after_sales.escalated: the SLA missed. */
  overdue?: AfterSalesSla;
  atMs: number;
}

// Fulfillment's events (stream FULFILLMENT, via the outbox). Every payload carries `orderId`; the
// msg id is `fulfillment:<orderId>:<STEP>`.

/** fulfillment.packed: a bag was packed at the warehouse; the order is PACKED. */
export interface PackedEvent {
  orderId: string;
  bagId: string;
  atMs: number;
}

/** fulfillment.dispatched: the route carrying the order left the warehouse; the order is OUT_FOR_DELIVERY. */
export interface DispatchedEvent {
  orderId: string;
  routeId: string;
  bagId: string;
  atMs: number;
}

/** fulfillment.arrived: the driver arrived at the order's pickup point; the order is READY_FOR_PICKUP. */
export interface ArrivedEvent {
  orderId: string;
  pickupPointId: string;
  buyerId: string;
  bagId: string;
  atMs: number;
}

/** fulfillment.picked_up: the leader verified the buyer's pickup code; the order is PICKED_UP. */
export interface PickedUpEvent {
  orderId: string;
  bagId: string;
  atMs: number;
}

/**
 * fulfillment.deferred: the order's pickup point had taken its daily capacity on `fromDate`: the
 * parcel joined the wave of `deliveryDate` instead.
 */
export interface DeferredEvent {
  orderId: string;
  buyerId: string;
  pickupPointId: string;
  fromDate: string;
  deliveryDate: string;
  atMs: number;
}

/**
 * fulfillment.handover.shortage: units of an order missing when its parcel changed hands (the
 * driver at handover, the leader at receipt); the order service opens an after-sales case and
 * refunds them. One per order.
 */
export interface HandoverShortageEvent {
  orderId: string;
  buyerId: string;
  /** The leader of the pickup point the parcel was handed to. */
  leaderId: string;
  skuId: string;
  missingQty: number;
  reportedBy: string;
  atMs: number;
}

/**
 * leader.application.approved (stream LEADER): an admin approved a leader application; the
 * gateway makes the leader's sign-in.
 */
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
