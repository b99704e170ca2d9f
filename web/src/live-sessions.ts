// Live sessions over the gateway's REST API (the live-room service owns them; the gateway relays):
// list, schedule, start (go live) and end.
import type { Api } from './api.js';
import type { LiveSessionView as LiveSession } from '@lc/contracts/views';

type Wrapped = LiveSession | { liveSession: LiveSession };
const unwrap = (r: Wrapped): LiveSession => ('liveSession' in r ? r.liveSession : r);

export async function listSessions(api: Api, leaderId?: string): Promise<LiveSession[]> {
  const query = leaderId ? `?leaderId=${encodeURIComponent(leaderId)}` : '';
  const r = await api.get<{ liveSessions?: LiveSession[]; sessions?: LiveSession[] } | LiveSession[]>(`/live-sessions${query}`);
  return Array.isArray(r) ? r : (r.liveSessions ?? r.sessions ?? []);
}

export async function scheduleSession(api: Api, title: string, scheduledAt?: Date): Promise<LiveSession> {
  return unwrap(await api.post<Wrapped>('/live-sessions', { title, ...(scheduledAt ? { scheduledAt: scheduledAt.toISOString() } : {}) }));
}

export async function startSession(api: Api, id: string): Promise<LiveSession> {
  return unwrap(await api.post<Wrapped>(`/live-sessions/${encodeURIComponent(id)}/start`));
}

export async function endSession(api: Api, id: string): Promise<LiveSession> {
  return unwrap(await api.post<Wrapped>(`/live-sessions/${encodeURIComponent(id)}/end`));
}
