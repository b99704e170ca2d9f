// The customers read model's own durable consumer of order events, apart from the ledger's: a
// slow or failing one never holds the other back.
import type { EventBus, EventConsumer } from '@lc/kit';
import type { OrderEvent } from '../events.js';

export const CUSTOMER_ORDER_EVENTS = ['order.paid', 'order.refunded', 'order.partially_refunded'] as const;
export type ConsumedCustomerSubject = (typeof CUSTOMER_ORDER_EVENTS)[number];

export function consumeCustomerEvents(bus: EventBus, handle: (event: OrderEvent, subject: ConsumedCustomerSubject) => Promise<void>): Promise<EventConsumer> {
  return bus.consume<OrderEvent>({
    stream: 'ORDER',
    durable: 'leader-customers',
    subjects: [...CUSTOMER_ORDER_EVENTS],
    handler: (event, { subject }) => handle(event, subject as ConsumedCustomerSubject),
    // Each order's events in stream order (a refund after its payment); orders side by side.
    batch: 256,
    parallel: { max: 64, key: (event) => event.orderId ?? '' },
  });
}
