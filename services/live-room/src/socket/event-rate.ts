// Applies a socket's event budget (domain/event-gate.ts) to every event it sends, before any
// handler runs: a refused event is acked RATE_LIMITED and dropped; a flooding socket is closed.
import type { Socket } from 'socket.io';
import type { Logger } from '@lc/kit';
import { EventGate, type EventRate } from '../domain/event-gate.js';
import type { Ack } from './ack.js';
import { socketData } from './socket-auth.js';

export function limitEventRate(socket: Socket, rate: EventRate, logger: Logger): void {
  const gate = new EventGate(rate, Date.now());
  socket.use((packet, next) => {
    const verdict = gate.admit(Date.now());
    if (verdict === 'allow') return next();
    const ack = packet.at(-1);
    if (typeof ack === 'function') (ack as (a: Ack<never>) => void)({ ok: false, code: 'RATE_LIMITED', message: 'too many events; slow down' });
    if (verdict === 'disconnect') {
      logger.warn({ userId: socketData(socket).user.id }, 'socket kept flooding events past its limit: disconnected');
      socket.disconnect(true);
    }
  });
}
