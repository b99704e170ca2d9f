// Shortages reported at handover (fulfillment.handover.shortage) become after-sales cases refunded
// at once; a redelivered report finds its case and changes nothing.
import type { EventBus, Logger } from '@lc/kit';
import type { HandoverShortageEvent } from '@lc/contracts';
import type { AfterSales } from '../after-sales.js';

export function consumeShortages(bus: EventBus, afterSales: AfterSales, logger: Logger) {
  return bus.consume<HandoverShortageEvent>({
    stream: 'FULFILLMENT',
    durable: 'order-handover-shortages',
    subjects: ['fulfillment.handover.shortage'],
    handler: async (report) => {
      if (typeof report.orderId !== 'string' || !Number.isSafeInteger(report.missingQty) || report.missingQty <= 0) {
        logger.warn({ orderId: report.orderId }, 'malformed shortage report ignored');
        return;
      }
      await afterSales.shortage(report);
    },
  });
}
