// Shapes of the live room's socket.io protocol (docs/live-room-socket-protocol.md), as the pages see
// them: the same file the server builds them from, plus the order as the REST API and socket send it.
import type { OrderStatus } from '../../services/live-room/src/wire-types.js';

export type {
  ChatMessage,
  JoinResult,
  LiveSessionJson as LiveSession,
  OrderStatus,
  OrderStatusPush,
  Pin,
  ProducerInfo,
  Role,
  Sale,
  SessionStatus,
  Stock,
} from '../../services/live-room/src/wire-types.js';

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
