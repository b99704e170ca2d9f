// Shapes of the live room's socket.io protocol (docs/live-room-socket-protocol.md), as the pages see them.
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

export interface LiveSession {
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

export interface Order {
  id: string;
  buyerId: string;
  leaderId: string;
  liveSessionId: string;
  flashSaleId: string;
  skuId: string;
  warehouseId: string;
  qty: number;
  unitPriceFen: number;
  totalFen: number;
  status: OrderStatus;
  paymentDeadline: string;
  createdAt: string;
  timeline: { status: string; at: string; note: string }[];
}

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

export interface JoinResult {
  session: LiveSession;
  isHost: boolean;
  viewers: number;
  sale: Sale | null;
  serverNowMs: number;
  chat: ChatMessage[];
  muted: { untilMs: number; reason: string } | null;
}

export interface ProducerInfo {
  id: string;
  kind: 'audio' | 'video';
  peerId: string;
  paused: boolean;
}
