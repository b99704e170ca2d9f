// Socket handshake authentication with the gateway's JWT (HS256, issuer 'livecommerce').
import type { Socket } from 'socket.io';
import { jwtVerify } from 'jose';

export const ROLES = ['buyer', 'leader', 'warehouse', 'driver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface RoomUser {
  id: string;
  role: Role;
  name: string;
}

export function tokenVerifier(secret: string) {
  const key = new TextEncoder().encode(secret);
  return async (token: string): Promise<RoomUser | undefined> => {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'livecommerce' });
      const role = payload.role as Role;
      if (!payload.sub || !ROLES.includes(role)) return undefined;
      return { id: payload.sub, role, name: String(payload.name ?? payload.sub) };
    } catch {
      return undefined;
    }
  };
}

/** socket.io middleware: a socket without a valid token never connects (connect_error UNAUTHENTICATED). */
export function authenticateSockets(verify: (token: string) => Promise<RoomUser | undefined>) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const header = socket.handshake.headers.authorization;
    const token = typeof auth?.token === 'string' ? auth.token : typeof header === 'string' ? header.replace(/^Bearer /i, '') : '';
    verify(token).then(
      (user) => {
        if (user === undefined) {
          const err = new Error('UNAUTHENTICATED') as Error & { data?: unknown };
          err.data = { code: 'UNAUTHENTICATED', message: 'a valid token is required (auth.token)' };
          next(err);
          return;
        }
        (socket.data as SocketData).user = user;
        next();
      },
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
  };
}

export interface SocketData {
  user: RoomUser;
  /** The live session this socket has joined, if any. */
  sessionId?: string;
  /** Whether the user is the joined session's leader. */
  isHost?: boolean;
  /** Set once the socket made a media request, so leaving closes its media peer. */
  mediaSessionId?: string;
}

export function socketData(socket: Socket): SocketData {
  return socket.data as SocketData;
}
