// The shapes the live room sends over its socket (docs/live-room-socket-protocol.md). The server
// builds them and the web pages read them from this one file, which therefore imports nothing.
export type Role = 'buyer' | 'leader' | 'warehouse' | 'driver' | 'admin';
export type SessionStatus = 'SCHEDULED' | 'LIVE' | 'ENDED';

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

/** A flash sale's counts at `atMs` (also the payload of inventory.stock.changed). */
export interface Stock {
  flashSaleId: string;
  quantity: number;
  held: number;
  sold: number;
  available: number;
  atMs: number;
}

export interface Sale {
  id: string;
  skuId: string;
  sku: { id: string; name: string; productId: string; listPriceFen: number } | null;
  salePriceFen: number;
  perBuyerLimit: number;
  holdSeconds: number;
  startsAtMs: number;
  endsAtMs: number;
  stock: Stock;
}

export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'PACKED' | 'OUT_FOR_DELIVERY' | 'READY_FOR_PICKUP' | 'PICKED_UP' | 'CANCELLED' | 'REFUNDED';

/** `order:status` to the buyer; `order:feed` to the hosting leader, with `buyerId`. */
export interface OrderStatusPush {
  orderId: string;
  status: OrderStatus;
  flashSaleId: string;
  liveSessionId: string;
  skuId: string;
  qty: number;
  totalFen: number;
  atMs: number;
  buyerId?: string;
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
  sale: Sale | null;
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
