// Moves orders along the delivery timeline as fulfillment reports each step. Redelivered events
// change nothing; a step that arrives before the one it follows is retried later.
import type { EventBus, Logger } from '@lc/kit';
import type { ArrivedEvent, DispatchedEvent, PackedEvent } from '@lc/contracts';
import type { OrderStore } from './order-store.js';
import { deliveryStepVerdict, type Transition } from '../domain/order-status.js';

const STEPS: Record<string, { transition: Transition; note: (e: DeliveryEvent) => string }> = {
  'fulfillment.packed': { transition: 'pack', note: (e) => `bag ${e.bagId ?? ''}`.trim() },
  'fulfillment.dispatched': { transition: 'dispatch', note: (e) => `route ${e.routeId ?? ''}`.trim() },
  'fulfillment.arrived': { transition: 'arrive', note: (e) => `pickup point ${e.pickupPointId ?? ''}`.trim() },
  'fulfillment.picked_up': { transition: 'pickUp', note: () => 'picked up' },
};

/** What the steps read: each subject's payload carries its own of the optional fields. */
type DeliveryEvent = Pick<PackedEvent, 'orderId' | 'atMs'> & Partial<Pick<PackedEvent, 'bagId'> & Pick<DispatchedEvent, 'routeId'> & Pick<ArrivedEvent, 'pickupPointId'>>;

class StepNotYetApplicable extends Error {}

export function consumeDeliverySteps(bus: EventBus, store: OrderStore, logger: Logger) {
  return bus.consume<DeliveryEvent>({
    stream: 'FULFILLMENT',
    durable: 'order-delivery-steps',
    subjects: Object.keys(STEPS),
    handler: async (event, meta) => {
      const step = STEPS[meta.subject];
      if (!step || typeof event.orderId !== 'string') return;
      const order = await store.byId(event.orderId);
      if (!order) {
        logger.warn({ orderId: event.orderId, subject: meta.subject }, 'delivery step for an unknown order ignored');
        return;
      }
      const verdict = deliveryStepVerdict(order.status, step.transition);
      if (verdict === 'duplicate') return;
      if (verdict === 'wait') throw new StepNotYetApplicable(`${meta.subject} before the previous step for ${order.id}`);
      await store.move(order, step.transition, step.note(event), {}, { atMs: event.atMs });
    },
  });
}
