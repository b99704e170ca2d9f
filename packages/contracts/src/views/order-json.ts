// An order as the public JSON shape the REST API and the live-room socket both send (status
// names instead of enum numbers, ISO times). Hand-written, next to the generated contracts.
import { orderStatusToJSON, type Order } from '../gen/livecommerce/v1/order.js';
import { orderCore, type OrderStatusName, type OrderView } from './order.js';

const statusName = (s: number) => orderStatusToJSON(s).replace(/^ORDER_STATUS_/, '') as OrderStatusName;

export function orderJson(o: Order): OrderView {
  return {
    ...orderCore(o),
    status: statusName(o.status),
    paymentDeadline: new Date(o.paymentDeadlineMs).toISOString(),
    createdAt: new Date(o.createdAtMs).toISOString(),
    timeline: o.timeline.map((t) => ({ status: statusName(t.status), at: new Date(t.atMs).toISOString(), note: t.note })),
  };
}
