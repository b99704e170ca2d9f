// A live session as the REST API sends it (GET/POST /api/v1/live-sessions…): ids of the pinned
// product, where the socket's LiveSessionJson carries the whole pin (built by liveSessionJson).
import type { SessionStatus } from './live-room.js';

export interface LiveSessionView {
  id: string;
  leaderId: string;
  title: string;
  status: SessionStatus;
  scheduledAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  pinnedProductId: string | null;
  pinnedSkuId: string | null;
  activeFlashSaleId: string | null;
}
