// The per-user connection cap on the socket server: a handshake past the cap is refused
// (connect_error TOO_MANY_CONNECTIONS); a socket's place is given back when it disconnects, and
// this pod's sockets keep their places alive while they stay open.
import type { Server } from 'socket.io';
import type { Logger } from '@lc/kit';
import type { ConnectionRegistry } from '../adapters/connection-registry.js';
import { socketData } from './socket-auth.js';

/** Installs the cap; runs after authentication, which sets the socket's user. Returns a stop function. */
export function capConnectionsPerUser(io: Server, registry: ConnectionRegistry, logger: Logger): () => void {
  io.use((socket, next) => {
    const { user } = socketData(socket);
    registry.claim(user.id, socket.id).then(
      (claimed) => {
        if (claimed) return next();
        const err = new Error('TOO_MANY_CONNECTIONS') as Error & { data?: unknown };
        err.data = { code: 'TOO_MANY_CONNECTIONS', message: `at most ${registry.maxPerUser} open connections per user; close another first` };
        next(err);
      },
      (err: unknown) => {
        logger.warn({ err }, 'connection cap not checked');
        const refused = new Error('UNAVAILABLE') as Error & { data?: unknown };
        refused.data = { code: 'UNAVAILABLE', message: 'try again' };
        next(refused);
      },
    );
  });
  io.on('connection', (socket) => {
    const userId = socketData(socket).user.id;
    socket.once('disconnect', () => {
      registry.release(userId, socket.id).catch((err: unknown) => logger.warn({ err }, 'connection place not given back; it lapses'));
    });
  });
  const keepAlive = setInterval(() => {
    const open = [...io.of('/').sockets.values()].map((s) => ({ userId: socketData(s).user.id, socketId: s.id }));
    registry.refresh(open).catch((err: unknown) => logger.warn({ err }, 'connection places not refreshed'));
  }, registry.claimTtlMs / 3);
  keepAlive.unref();
  return () => clearInterval(keepAlive);
}
