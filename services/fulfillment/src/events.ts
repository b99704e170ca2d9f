// The events fulfillment publishes (stream FULFILLMENT, via the outbox) and the order events it
// consumes. Every payload carries `orderId`; the msg id is `fulfillment:<orderId>:<STEP>`. The
// payloads are declared in @lc/contracts (events.ts), shared with their consumers.
import type { OrderEvent as OrderEventPayload } from '@lc/contracts';

export const FULFILLMENT_EVENTS = {
  packed: 'fulfillment.packed',
  dispatched: 'fulfillment.dispatched',
  arrived: 'fulfillment.arrived',
  pickedUp: 'fulfillment.picked_up',
  deferred: 'fulfillment.deferred',
  shortage: 'fulfillment.handover.shortage',
} as const;

export type FulfillmentSubject = (typeof FULFILLMENT_EVENTS)[keyof typeof FULFILLMENT_EVENTS];

export const fulfillmentMsgId = (orderId: string, step: 'PACKED' | 'OUT_FOR_DELIVERY' | 'READY_FOR_PICKUP' | 'PICKED_UP' | 'DEFERRED') => `fulfillment:${orderId}:${step}`;

/**
 * What fulfillment reads from order.paid / order.released / order.cancelled / order.refunded. Not
 * order.partially_refunded: part of the money went back, the parcel still goes out.
 * `pickupPointId` may be absent on events from before points were chosen (the leader's then).
 * An order of a group buy (`groupBuyId`) is not a parcel at order.paid: its `order.released`
 * (`atMs` the release) says its group buy succeeded and it ships.
 */
export type OrderEvent = Pick<OrderEventPayload, 'orderId' | 'buyerId' | 'leaderId' | 'skuId' | 'warehouseId' | 'qty' | 'status' | 'atMs' | 'groupBuyId'> &
  Partial<Pick<OrderEventPayload, 'pickupPointId'>>;

export const CONSUMED_ORDER_EVENTS = ['order.paid', 'order.released', 'order.cancelled', 'order.refunded'] as const;
