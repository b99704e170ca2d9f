// What a dead letter looks like: the original payload, unchanged, on
// `<prefix>.dlq.<STREAM>.<consumer>.<original subject>`, with headers saying where it came from and
// why it was given up on. The subject lets a replay pick one stream or one consumer by filter.
import { headers as natsHeaders, type JsMsg, type MsgHdrs } from 'nats';

export const DEAD_LETTER = {
  stream: 'DLQ',
  maxAgeDays: 30,
  headers: {
    subject: 'Lc-Dlq-Subject',
    stream: 'Lc-Dlq-Stream',
    seq: 'Lc-Dlq-Seq',
    consumer: 'Lc-Dlq-Consumer',
    deliveries: 'Lc-Dlq-Deliveries',
    reason: 'Lc-Dlq-Reason',
    error: 'Lc-Dlq-Error',
    msgId: 'Lc-Dlq-Msg-Id',
    at: 'Lc-Dlq-At',
  },
  /** Set on a replayed message: the dead letter it came from. */
  replayedFrom: 'Lc-Replayed-From',
} as const;

/** Why a consumer gave up: it kept failing, the handler refused it (DomainError), or it is not JSON. */
export type DeadLetterReason = 'max-deliveries' | 'refused' | 'unparsable';

const MAX_ERROR_LENGTH = 1000;

export function deadLetterSubject(stream: string, consumer: string, subject: string): string {
  return `dlq.${stream}.${consumer}.${subject}`;
}

/** The original headers (trace context included) plus where the message was and why it failed. */
export function deadLetterHeaders(msg: JsMsg, reason: DeadLetterReason, error: string): MsgHdrs {
  const h = natsHeaders();
  for (const key of msg.headers?.keys() ?? []) {
    // Nats-* are the server's (the original msg id would make the dead letter a "duplicate").
    if (!key.startsWith('Nats-')) h.set(key, msg.headers!.get(key));
  }
  const dl = DEAD_LETTER.headers;
  h.set(dl.subject, msg.subject);
  h.set(dl.stream, msg.info.stream);
  h.set(dl.seq, String(msg.seq));
  h.set(dl.consumer, msg.info.consumer);
  h.set(dl.deliveries, String(msg.info.deliveryCount));
  h.set(dl.reason, reason);
  // Header values are one line.
  h.set(dl.error, error.replace(/[\r\n]+/g, ' ').slice(0, MAX_ERROR_LENGTH));
  const msgId = msg.headers?.get('Nats-Msg-Id');
  if (msgId) h.set(dl.msgId, msgId);
  h.set(dl.at, new Date().toISOString());
  return h;
}
