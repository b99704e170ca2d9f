// A socket lives no longer than the token it was opened with: at the token's exp the server says
// `auth:expired` and disconnects, unless the client sent a fresh token for the same user with
// `auth:refresh` first. Without this a socket opened once would stay authenticated forever.
import type { Socket } from 'socket.io';
import { z } from 'zod';
import { TokenRefused, type Logger } from '@lc/kit';
import { BOUNDS } from '@lc/contracts';
import { event, registerEvents, RoomRefusal } from './ack.js';
import { adoptToken, socketData, type RoomTokenVerifier } from './socket-auth.js';

// setTimeout fires at once for delays beyond 2^31-1 ms (~24.8 days); longer waits go in steps.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

const refreshPayload = z.object({ token: z.string({ error: 'token must be a string' }).min(1, 'token is required').max(BOUNDS.text.token, 'token: too long') });

export function enforceTokenExpiry(socket: Socket, verify: RoomTokenVerifier, logger: Logger): void {
  const data = socketData(socket);
  let timer: NodeJS.Timeout | undefined;

  const expire = () => {
    socket.emit('auth:expired', { code: 'UNAUTHENTICATED', message: 'the token expired: reconnect with a fresh token' });
    socket.disconnect(true);
  };
  const schedule = () => {
    clearTimeout(timer);
    const delayMs = data.tokenExpiresAtMs - Date.now();
    timer = delayMs > LONGEST_TIMER_MS ? setTimeout(schedule, LONGEST_TIMER_MS) : setTimeout(expire, Math.max(0, delayMs));
    timer.unref();
  };

  async function refreshTokenHandler({ token }: z.infer<typeof refreshPayload>) {
    let identity;
    try {
      identity = await verify(token);
    } catch (err) {
      if (err instanceof TokenRefused) throw new RoomRefusal('UNAUTHENTICATED', err.message);
      throw err;
    }
    // Rooms and host rights were granted to this user in this role; another identity must connect anew.
    if (identity.user.id !== data.user.id || identity.user.role !== data.user.role) {
      throw new RoomRefusal('FORBIDDEN', 'the token is for another user or role: reconnect with it instead');
    }
    adoptToken(data, identity);
    schedule();
    return { expiresAtMs: identity.expiresAtMs };
  }
  registerEvents(socket, logger, [event('auth:refresh', refreshPayload, refreshTokenHandler)]);
  socket.once('disconnect', () => clearTimeout(timer));
  schedule();
}
