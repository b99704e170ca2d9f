// Remaining stock for the rooms on this pod: a plain NATS subscription (a cache feed, so no
// durable consumer), coalesced per sale, emitted only to this pod's sockets. Every pod runs
// its own feed, so no stock update crosses the Redis adapter.
import type { Server } from 'socket.io';
import type { EventBus, Logger } from '@lc/kit';
import { StockCoalescer, type StockChange } from '../domain/stock-coalescer.js';
import { rooms } from '../socket/room-names.js';

/** `onChange` sees every event as it arrives (uncoalesced), e.g. for the sold-out board. */
export function startStockFeed(io: Server, bus: EventBus, intervalMs: number, logger: Logger, onChange: (change: StockChange) => void = () => undefined): () => void {
  const coalescer = new StockCoalescer(intervalMs, (change) => io.local.to(rooms.sale(change.flashSaleId)).emit('sale:stock', change));
  const decoder = new TextDecoder();
  const subscription = bus.nc.subscribe(bus.subject('inventory.stock.changed'), {
    callback: (err, msg) => {
      if (err) return;
      try {
        const c = JSON.parse(decoder.decode(msg.data)) as StockChange;
        if (typeof c.flashSaleId !== 'string') return;
        const change = { flashSaleId: c.flashSaleId, quantity: c.quantity, held: c.held, sold: c.sold, available: c.available, atMs: c.atMs };
        onChange(change);
        coalescer.offer(change);
      } catch {
        logger.warn('unparsable stock event ignored');
      }
    },
  });
  return () => {
    subscription.unsubscribe();
    coalescer.close();
  };
}
