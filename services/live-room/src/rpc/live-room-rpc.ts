// LiveRoomService gRPC: sessions for the gateway (list, get, schedule, start, end). Starting and
// ending also tell the room's sockets, on every pod, through the socket.io adapter.
import type { Server } from 'socket.io';
import { DomainError, unaryService, type Logger } from '@lc/kit';
import { LiveSessionStatus, type LiveSession as LiveSessionMessage, type LiveRoomServiceServer } from '@lc/contracts';
import { endSession, sessionJson, startSession, type LiveSession, type SessionStatus } from '../domain/live-session.js';
import type { SessionStore } from '../adapters/session-store.js';
import { rooms } from '../socket/room-names.js';
import type { MediaSignalling } from '../socket/media-signalling.js';

const statusToProto: Record<SessionStatus, LiveSessionStatus> = {
  SCHEDULED: LiveSessionStatus.LIVE_SESSION_STATUS_SCHEDULED,
  LIVE: LiveSessionStatus.LIVE_SESSION_STATUS_LIVE,
  ENDED: LiveSessionStatus.LIVE_SESSION_STATUS_ENDED,
};
const statusFromProto = new Map<LiveSessionStatus, SessionStatus>(Object.entries(statusToProto).map(([k, v]) => [v, k as SessionStatus]));

export function sessionMessage(s: LiveSession): LiveSessionMessage {
  return {
    id: s.id,
    leaderId: s.leaderId,
    title: s.title,
    status: statusToProto[s.status],
    scheduledAtMs: s.scheduledAtMs,
    startedAtMs: s.startedAtMs ?? 0,
    endedAtMs: s.endedAtMs ?? 0,
    pinnedProductId: s.pin?.productId ?? '',
    pinnedSkuId: s.pin?.skuId ?? '',
    activeFlashSaleId: s.activeFlashSaleId ?? '',
  };
}

export function liveRoomRpc(sessions: SessionStore, io: Server, logger: Logger, media?: Pick<MediaSignalling, 'closeRoom'>) {
  const existing = async (id: string) => {
    const session = await sessions.get(id);
    if (session === undefined) throw new DomainError('NOT_FOUND', `no live session ${id}`);
    return session;
  };
  const announce = (s: LiveSession) => io.to(rooms.session(s.id)).emit('session:status', { session: sessionJson(s) });

  return unaryService<LiveRoomServiceServer>(
    {
      async createLiveSession(req) {
        const title = req.title.trim();
        if (!req.leaderId) throw new DomainError('INVALID_ARGUMENT', 'leaderId is required');
        if (!title || title.length > 200) throw new DomainError('INVALID_ARGUMENT', 'title: 1 to 200 characters');
        const session = await sessions.create({ leaderId: req.leaderId, title, scheduledAtMs: req.scheduledAtMs || Date.now() });
        return { liveSession: sessionMessage(session) };
      },
      async getLiveSession(req) {
        return { liveSession: sessionMessage(await existing(req.id)) };
      },
      async listLiveSessions(req) {
        const statuses = req.statuses.length ? req.statuses.map((s) => statusFromProto.get(s)).filter((s): s is SessionStatus => s !== undefined) : (['SCHEDULED', 'LIVE'] as SessionStatus[]);
        const list = await sessions.list({ ...(req.leaderId ? { leaderId: req.leaderId } : {}), statuses, limit: Math.min(Math.max(req.limit || 50, 1), 200) });
        return { liveSessions: list.map(sessionMessage) };
      },
      async startLiveSession(req) {
        const result = startSession(await existing(req.id), req.leaderId, Date.now());
        if (!result.ok) throw new DomainError(result.code, result.message);
        await sessions.saveStatus(result.session);
        announce(result.session);
        return { liveSession: sessionMessage(result.session) };
      },
      async endLiveSession(req) {
        const result = endSession(await existing(req.id), req.leaderId, Date.now());
        if (!result.ok) throw new DomainError(result.code, result.message);
        await sessions.saveStatus(result.session);
        announce(result.session);
        // The stream is over: its media room (on whichever pod owns it) goes too.
        await media?.closeRoom(req.id).catch((err: unknown) => logger.warn({ err, sessionId: req.id }, 'media room not closed'));
        return { liveSession: sessionMessage(result.session) };
      },
    },
    logger,
  );
}
