// The durable consumer of order events: paid orders join a wave (a group buy's when it is released,
// at its cut-off), cancelled or refunded ones leave.
import type { EventBus, EventConsumer } from '@lc/kit';
import { CONSUMED_ORDER_EVENTS, type OrderEvent } from '../events.js';
import type { Waves } from '../waves.js';

export function consumeOrderEvents(bus: EventBus, waves: Waves): Promise<EventConsumer> {
  return bus.consume<OrderEvent>({
    stream: 'ORDER',
    durable: 'fulfillment-orders',
    subjects: [...CONSUMED_ORDER_EVENTS],
    handler: async (event, { subject }) => {
      if (subject === 'order.paid') {
        if (!event.groupBuyId) await waves.orderPaid(event);
      } else if (subject === 'order.released') await waves.orderPaid(event);
      else await waves.orderWithdrawn(event, subject === 'order.refunded' ? 'refunded' : 'cancelled');
    },
  });
}
