// The live-room service's session message as its REST view (views/live-session.ts).
import { liveSessionStatusToJSON, type LiveSession } from '../gen/livecommerce/v1/live_room.js';
import type { SessionStatus } from './live-room.js';
import type { LiveSessionView } from './live-session.js';

const iso = (ms: number) => (ms ? new Date(ms).toISOString() : null);

export function liveSessionJson(s: LiveSession): LiveSessionView {
  return {
    id: s.id,
    leaderId: s.leaderId,
    title: s.title,
    status: liveSessionStatusToJSON(s.status).replace(/^LIVE_SESSION_STATUS_/, '') as SessionStatus,
    scheduledAt: iso(s.scheduledAtMs),
    startedAt: iso(s.startedAtMs),
    endedAt: iso(s.endedAtMs),
    pinnedProductId: s.pinnedProductId || null,
    pinnedSkuId: s.pinnedSkuId || null,
    activeFlashSaleId: s.activeFlashSaleId || null,
  };
}
