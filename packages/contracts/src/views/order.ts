// An order as the REST API and the live-room socket both send it (built by orderJson).
export const ORDER_STATUSES = ['PENDING_PAYMENT', 'PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP', 'CANCELLED', 'REFUNDED'] as const;
export type OrderStatusName = (typeof ORDER_STATUSES)[number];

/** The fields an order carries under one name and meaning as a row, a proto message and a view. */
export interface OrderCore {
  id: string;
  buyerId: string;
  leaderId: string;
  liveSessionId: string;
  flashSaleId: string;
  skuId: string;
  warehouseId: string;
  qty: number;
  unitPriceFen: number;
  totalFen: number;
  /** Where the parcel goes (the buyer's choice or their leader's point), fixed at placement. */
  pickupPointId: string;
  /** The group buy (开团) the order joined; '' for none. */
  groupBuyId: string;
}

/** Copies just the core fields, so each representation spells out only what differs. */
export function orderCore(o: OrderCore): OrderCore {
  const { id, buyerId, leaderId, liveSessionId, flashSaleId, skuId, warehouseId, qty, unitPriceFen, totalFen, pickupPointId, groupBuyId } = o;
  return { id, buyerId, leaderId, liveSessionId, flashSaleId, skuId, warehouseId, qty, unitPriceFen, totalFen, pickupPointId, groupBuyId };
}

export interface OrderView extends OrderCore {
  status: OrderStatusName;
  paymentDeadline: string;
  createdAt: string;
  timeline: { status: OrderStatusName; at: string; note: string }[];
}

/** `order:status` to the buyer; `order:feed` to the hosting leader, with `buyerId`. */
export interface OrderStatusPush {
  orderId: string;
  status: OrderStatusName;
  flashSaleId: string;
  liveSessionId: string;
  skuId: string;
  qty: number;
  totalFen: number;
  atMs: number;
  buyerId?: string;
}
