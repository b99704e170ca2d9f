// The durable consumers feeding the inbox, shared by every pod (each event is handled once; the
// push reaches the user's sockets on any pod through the adapter). One consumer per subject
// filter: the NATS here takes one filter per consumer, and a consumer of all of ORDER would also
// be handed every order.created of a flash-sale burst just to skip it.
import type { EventBus, EventConsumer, StreamKey } from '@lc/kit';
import type { Notices } from '../notices.js';

/** Durable name → stream and subject filter: every subject `noticesFor` announces (team agreement on payloads). */
export const NOTICE_CONSUMERS: Record<string, { stream: StreamKey; subject: string }> = {
  'live-room-notices-paid': { stream: 'ORDER', subject: 'order.paid' },
  'live-room-notices-status': { stream: 'ORDER', subject: 'order.status.>' },
  'live-room-notices-refunded': { stream: 'ORDER', subject: 'order.refunded' },
  'live-room-notices-partially-refunded': { stream: 'ORDER', subject: 'order.partially_refunded' },
  'live-room-notices-after-sales': { stream: 'ORDER', subject: 'order.after_sales.answered' },
  // Failed (to its buyers) and the leader's reminder; `succeeded` makes no notice.
  'live-room-notices-group-buys': { stream: 'ORDER', subject: 'order.group_buy.>' },
  'live-room-notices-deferred': { stream: 'FULFILLMENT', subject: 'fulfillment.deferred' },
};

export function consumeNoticeEvents(bus: EventBus, notices: Notices): Promise<EventConsumer[]> {
  const handler = (event: unknown, { subject }: { subject: string }) => notices.fromEvent(subject, event);
  return Promise.all(Object.entries(NOTICE_CONSUMERS).map(([durable, { stream, subject }]) => bus.consume({ stream, durable, subjects: [subject], handler })));
}
