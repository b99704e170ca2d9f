// Reading what a service published: every message of one subject in a test's JetStream stream.
import { connect } from 'nats';
import { NATS_URL, type Isolation } from './isolation.js';

/** The payloads published on `<prefix>.<subject>` in the stream `stream` (e.g. ORDER), oldest first. */
export async function published<T = Record<string, unknown>>(iso: Isolation, stream: string, subject: string): Promise<T[]> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const name = `${iso.id.toUpperCase()}_${stream}`;
    const full = `${iso.id}.${subject}`;
    const info = await jsm.streams.info(name, { subjects_filter: full });
    const out: T[] = [];
    if (!info.state.subjects?.[full]) return out;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(name, { seq }).catch(() => undefined);
      if (m?.subject === full) out.push(m.json<T>());
    }
    return out;
  } finally {
    await nc.close();
  }
}
