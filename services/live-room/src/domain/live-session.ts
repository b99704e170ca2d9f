// A live session's life: SCHEDULED → LIVE → ENDED, started and ended by its own leader only.
import type { LiveSessionJson, Pin, SessionStatus } from '@lc/contracts';

export type { Pin, SessionStatus };

export interface LiveSession {
  id: string;
  leaderId: string;
  title: string;
  status: SessionStatus;
  scheduledAtMs: number;
  startedAtMs: number | null;
  endedAtMs: number | null;
  pin: Pin | null;
  activeFlashSaleId: string | null;
}

export type SessionRefusal = { code: 'FORBIDDEN' | 'INVALID_STATE'; message: string };
type Transition = { ok: true; session: LiveSession } | ({ ok: false } & SessionRefusal);

function notYours(session: LiveSession, leaderId: string): SessionRefusal | undefined {
  return session.leaderId === leaderId ? undefined : { code: 'FORBIDDEN', message: 'only the session’s own leader may do this' };
}

export function startSession(session: LiveSession, leaderId: string, nowMs: number): Transition {
  const refusal = notYours(session, leaderId);
  if (refusal) return { ok: false, ...refusal };
  if (session.status === 'LIVE') return { ok: true, session }; // starting twice is harmless
  if (session.status === 'ENDED') return { ok: false, code: 'INVALID_STATE', message: 'the session has ended' };
  return { ok: true, session: { ...session, status: 'LIVE', startedAtMs: nowMs } };
}

export function endSession(session: LiveSession, leaderId: string, nowMs: number): Transition {
  const refusal = notYours(session, leaderId);
  if (refusal) return { ok: false, ...refusal };
  if (session.status === 'ENDED') return { ok: true, session };
  return { ok: true, session: { ...session, status: 'ENDED', endedAtMs: nowMs, activeFlashSaleId: null } };
}

export function sessionJson(s: LiveSession): LiveSessionJson {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: s.id,
    leaderId: s.leaderId,
    title: s.title,
    status: s.status,
    scheduledAt: new Date(s.scheduledAtMs).toISOString(),
    startedAt: iso(s.startedAtMs),
    endedAt: iso(s.endedAtMs),
    pinned: s.pin,
    activeFlashSaleId: s.activeFlashSaleId,
  };
}
