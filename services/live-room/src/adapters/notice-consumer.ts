// The durable consumers feeding the inbox: order events (stream ORDER) and the leader's group-buy
// outcomes (stream LEADER). Shared by every pod, so each event is handled once; the push reaches
// the user's sockets on any pod through the adapter.
import type { EventBus, EventConsumer } from '@lc/kit';
import { NOTICE_SUBJECTS } from '../domain/notice-rules.js';
import type { Notices } from '../notices.js';

export function consumeNoticeEvents(bus: EventBus, notices: Notices): Promise<EventConsumer[]> {
  const handler = (event: unknown, { subject }: { subject: string }) => notices.fromEvent(subject, event);
  return Promise.all([
    bus.consume({ stream: 'ORDER', durable: 'live-room-notices', subjects: [...NOTICE_SUBJECTS.ORDER], handler }),
    bus.consume({ stream: 'LEADER', durable: 'live-room-notices-leader', subjects: [...NOTICE_SUBJECTS.LEADER], handler }),
  ]);
}
