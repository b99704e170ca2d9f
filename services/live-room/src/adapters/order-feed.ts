// Order status pushed to the buyer's sockets (`order:status`) and the leader's live feed
// (`order:feed`), from the order service's events. A plain subscription per pod, emitting to its
// own sockets only: each pod sees every event, so nothing needs to cross the Redis adapter, and a
// redelivered event just repeats a status the client already shows.
import type { Server } from 'socket.io';
import type { EventBus, Logger } from '@lc/kit';
import { rooms } from '../socket/room-names.js';
import type { OrderEvent as OrderEventPayload, OrderStatusPush } from '@lc/contracts';

/** What the feed reads from an order event. */
type OrderEvent = Pick<OrderEventPayload, 'orderId' | 'buyerId' | 'leaderId' | 'liveSessionId' | 'flashSaleId' | 'skuId' | 'qty' | 'totalFen' | 'status' | 'atMs'>;

export function startOrderFeed(io: Server, bus: EventBus, logger: Logger): () => void {
  const decoder = new TextDecoder();
  // After-sales events carry the case's status, not the order's: not an order:status push.
  const afterSales = bus.subject('order.after_sales.');
  const subscription = bus.nc.subscribe(bus.subject('order.>'), {
    callback: (err, msg) => {
      if (err || msg.subject.startsWith(afterSales)) return;
      try {
        const e = JSON.parse(decoder.decode(msg.data)) as OrderEvent;
        if (typeof e.orderId !== 'string' || typeof e.buyerId !== 'string') return;
        const status: OrderStatusPush = { orderId: e.orderId, status: e.status, flashSaleId: e.flashSaleId, liveSessionId: e.liveSessionId, skuId: e.skuId, qty: e.qty, totalFen: e.totalFen, atMs: e.atMs };
        io.local.to(rooms.user(e.buyerId)).emit('order:status', status);
        if (e.leaderId) io.local.to(rooms.leader(e.leaderId)).emit('order:feed', { ...status, buyerId: e.buyerId });
      } catch {
        logger.warn('unparsable order event ignored');
      }
    },
  });
  return () => subscription.unsubscribe();
}
