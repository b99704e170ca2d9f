// Socket handshake authentication with the gateway's JWT (the kit's access-token rule: HS256,
// issuer 'livecommerce', an exp within JWT_TTL_SECONDS), refusing tokens revoked by sign-out, and
// closing open sockets whose token a sign-out revoked.
import type { Server, Socket } from 'socket.io';
import { accessTokenVerifier, TokenRefused, type Revocation, type TokenRevocations } from '@lc/kit';
import { ROLES, type Role } from '@lc/contracts';
import { rooms } from './room-names.js';

export interface RoomUser {
  id: string;
  role: Role;
  name: string;
}

export interface RoomIdentity {
  user: RoomUser;
  /** When the token stops being valid; the socket is closed then unless refreshed. */
  expiresAtMs: number;
  /** The user's token generation and sign-in session the token was issued in (sign-out revokes them). */
  generation: number;
  sessionId?: string;
}

export type RoomTokenVerifier = (token: string) => Promise<RoomIdentity>;

/** Resolves the token's user, or rejects with TokenRefused saying why. */
export function tokenVerifier(secret: string, ttlSeconds: number, revocations?: TokenRevocations): RoomTokenVerifier {
  const verify = accessTokenVerifier(secret, ttlSeconds);
  return async (token) => {
    const { sub, expiresAtMs, claims } = await verify(token);
    const role = claims.role as Role;
    if (!ROLES.includes(role)) throw new TokenRefused('token carries no known role');
    const generation = typeof claims.gen === 'number' && Number.isSafeInteger(claims.gen) ? claims.gen : 0;
    const sessionId = typeof claims.sid === 'string' && claims.sid ? claims.sid : undefined;
    if (revocations && !(await revocations.admits(sub, generation, sessionId))) throw new TokenRefused('token was revoked (signed out)');
    return { user: { id: sub, role, name: String(claims.name ?? sub) }, expiresAtMs, generation, ...(sessionId ? { sessionId } : {}) };
  };
}

/** Closes this pod's sockets opened with a token that a sign-out has just revoked. */
export async function closeRevokedSockets(io: Server, revocation: Revocation): Promise<void> {
  for (const socket of await io.local.in(rooms.user(revocation.userId)).fetchSockets()) {
    const data = socket.data as SocketData;
    const revoked = (revocation.generation !== undefined && data.tokenGeneration < revocation.generation) || (revocation.sessionId !== undefined && data.tokenSessionId === revocation.sessionId);
    if (!revoked) continue;
    socket.emit('auth:expired', { code: 'UNAUTHENTICATED', message: 'signed out: sign in again' });
    socket.disconnect(true);
  }
}

/** socket.io middleware: a socket without a valid token never connects (connect_error UNAUTHENTICATED). */
export function authenticateSockets(verify: RoomTokenVerifier) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const header = socket.handshake.headers.authorization;
    const token = typeof auth?.token === 'string' ? auth.token : typeof header === 'string' ? header.replace(/^Bearer /i, '') : '';
    verify(token).then(
      (identity) => {
        const data = socket.data as SocketData;
        data.user = identity.user;
        adoptToken(data, identity);
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

/** The socket now runs on this token (at the handshake and at each `auth:refresh`). */
export function adoptToken(data: SocketData, identity: RoomIdentity): void {
  data.tokenExpiresAtMs = identity.expiresAtMs;
  data.tokenGeneration = identity.generation;
  data.tokenSessionId = identity.sessionId;
}

export interface SocketData {
  user: RoomUser;
  /** The current token's exp in milliseconds (moved on by `auth:refresh`). */
  tokenExpiresAtMs: number;
  /** The current token's generation and session, to close the socket when a sign-out revokes them. */
  tokenGeneration: number;
  tokenSessionId?: string | undefined;
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
