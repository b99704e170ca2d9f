// The durable consumer of order events: the leader's business follows each order.
import type { EventBus, EventConsumer } from '@lc/kit';
import { CONSUMED_ORDER_EVENTS, type ConsumedOrderSubject, type OrderEvent } from '../events.js';

export type OrderEventHandler = (event: OrderEvent, subject: ConsumedOrderSubject) => Promise<void>;

export function consumeOrderEvents(bus: EventBus, handle: OrderEventHandler): Promise<EventConsumer> {
  return bus.consume<OrderEvent>({
    stream: 'ORDER',
    durable: 'leader-orders',
    subjects: [...CONSUMED_ORDER_EVENTS],
    handler: (event, { subject }) => handle(event, subject as ConsumedOrderSubject),
    // Orders are independent of one another: many at once, each order's events in stream order.
    // Paid orders are accrued in batches, so many in flight make the batches.
    batch: 512,
    parallel: { max: 512, key: (event) => event.orderId ?? '' },
  });
}
