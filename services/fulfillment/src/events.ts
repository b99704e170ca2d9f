// The events fulfillment publishes (stream FULFILLMENT, via the outbox) and the order events it
// consumes. Every payload carries `orderId`; the msg id is `fulfillment:<orderId>:<STEP>`.

export const FULFILLMENT_EVENTS = {
  packed: 'fulfillment.packed',
  dispatched: 'fulfillment.dispatched',
  arrived: 'fulfillment.arrived',
  pickedUp: 'fulfillment.picked_up',
  deferred: 'fulfillment.deferred',
  shortage: 'fulfillment.handover.shortage',
} as const;

export type FulfillmentSubject = (typeof FULFILLMENT_EVENTS)[keyof typeof FULFILLMENT_EVENTS];

/** A bag was packed at the warehouse: the order is PACKED. */
export interface PackedEvent {
  orderId: string;
  bagId: string;
  atMs: number;
}

/** The route carrying the order left the warehouse: the order is OUT_FOR_DELIVERY. */
export interface DispatchedEvent {
  orderId: string;
  routeId: string;
  bagId: string;
  atMs: number;
}

/** The driver arrived at the order's pickup point: the order is READY_FOR_PICKUP. */
export interface ArrivedEvent {
  orderId: string;
  pickupPointId: string;
  buyerId: string;
  bagId: string;
  atMs: number;
}

/** The leader verified the buyer's pickup code: the order is PICKED_UP. */
export interface PickedUpEvent {
  orderId: string;
  bagId: string;
  atMs: number;
}

/**
 * The order's pickup point had taken its daily capacity on `fromDate`: the parcel joined the wave
 * of `deliveryDate` instead.
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
 * Units of an order missing when its parcel changed hands (the driver at handover, the leader at
 * receipt); the order service opens an after-sales case and refunds them. One per order.
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

export const fulfillmentMsgId = (orderId: string, step: 'PACKED' | 'OUT_FOR_DELIVERY' | 'READY_FOR_PICKUP' | 'PICKED_UP' | 'DEFERRED') => `fulfillment:${orderId}:${step}`;

/**
 * What fulfillment reads from order.paid / order.cancelled / order.refunded. Not
 * order.partially_refunded: part of the money went back, the parcel still goes out.
 */
export interface OrderEvent {
  orderId: string;
  buyerId: string;
  leaderId: string;
  skuId: string;
  warehouseId: string;
  qty: number;
  status: string;
  atMs: number;
  /** Where the parcel goes; absent on events from before points were chosen (the leader's then). */
  pickupPointId?: string;
  /**
   * An order of a group buy (开团): its order.paid is not a parcel yet; `order.released` (same
   * payload, `atMs` the release) says its group buy succeeded and it ships.
   */
  groupBuyId?: string;
}

export const CONSUMED_ORDER_EVENTS = ['order.paid', 'order.released', 'order.cancelled', 'order.refunded'] as const;
