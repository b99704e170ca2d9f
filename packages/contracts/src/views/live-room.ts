// The shapes the live room sends over its socket (docs/live-room-socket-protocol.md), besides
// orders and flash sales, which travel in the same shape as over REST.
import type { FlashSaleView } from './flash-sale.js';
import type { Role } from './roles.js';

export type SessionStatus = 'SCHEDULED' | 'LIVE' | 'ENDED';

/** Every socket event's answer. */
export type Ack<T> = { ok: true; data: T } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

export interface Pin {
  productId: string;
  skuId: string;
  name: string;
  description: string;
  imageUrls: string[];
  sku: { id: string; name: string; listPriceFen: number } | null;
  pinnedAtMs: number;
}

/** A live session as sent: times as ISO-8601 strings. */
export interface LiveSessionJson {
  id: string;
  leaderId: string;
  title: string;
  status: SessionStatus;
  scheduledAt: string;
  startedAt: string | null;
  endedAt: string | null;
  pinned: Pin | null;
  activeFlashSaleId: string | null;
}

export interface ChatMessage {
  id: string;
  sessionId: string;
  userId: string;
  name: string;
  role: Role;
  text: string;
  atMs: number;
}

export interface Mute {
  untilMs: number;
  reason: string;
}

/** The ack of `session:join`. */
export interface JoinResult {
  session: LiveSessionJson;
  isHost: boolean;
  viewers: number;
  sale: FlashSaleView | null;
  serverNowMs: number;
  chat: ChatMessage[];
  muted: Mute | null;
}

export interface ProducerInfo {
  id: string;
  kind: 'audio' | 'video';
  peerId: string;
  paused: boolean;
}
