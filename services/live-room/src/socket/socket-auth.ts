// Socket handshake authentication with the gateway's JWT (the kit's access-token rule: HS256,
// issuer 'livecommerce', an exp within JWT_TTL_SECONDS).
import type { Socket } from 'socket.io';
import { accessTokenVerifier, TokenRefused } from '@lc/kit';
import { ROLES, type Role } from '@lc/contracts';

export interface RoomUser {
  id: string;
  role: Role;
  name: string;
}

export interface RoomIdentity {
  user: RoomUser;
  /** When the token stops being valid; the socket is closed then unless refreshed. */
  expiresAtMs: number;
}

export type RoomTokenVerifier = (token: string) => Promise<RoomIdentity>;

/** Resolves the token's user, or rejects with TokenRefused saying why. */
export function tokenVerifier(secret: string, ttlSeconds: number): RoomTokenVerifier {
  const verify = accessTokenVerifier(secret, ttlSeconds);
  return async (token) => {
    const { sub, expiresAtMs, claims } = await verify(token);
    const role = claims.role as Role;
    if (!ROLES.includes(role)) throw new TokenRefused('token carries no known role');
    return { user: { id: sub, role, name: String(claims.name ?? sub) }, expiresAtMs };
  };
}

/** socket.io middleware: a socket without a valid token never connects (connect_error UNAUTHENTICATED). */
export function authenticateSockets(verify: RoomTokenVerifier) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const header = socket.handshake.headers.authorization;
    const token = typeof auth?.token === 'string' ? auth.token : typeof header === 'string' ? header.replace(/^Bearer /i, '') : '';
    verify(token).then(
      ({ user, expiresAtMs }) => {
        const data = socket.data as SocketData;
        data.user = user;
        data.tokenExpiresAtMs = expiresAtMs;
        next();
      },
      (err: unknown) => {
        if (!(err instanceof TokenRefused)) {
          next(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const refused = new Error('UNAUTHENTICATED') as Error & { data?: unknown };
        refused.data = { code: 'UNAUTHENTICATED', message: `a valid token is required (auth.token): ${err.message}` };
        next(refused);
      },
    );
  };
}

export interface SocketData {
  user: RoomUser;
  /** The current token's exp in milliseconds (moved on by `auth:refresh`). */
  tokenExpiresAtMs: number;
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
