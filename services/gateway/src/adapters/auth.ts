// JWT (HS256, jose) issue and verification, revocation checks, and the per-route role guard.
import { SignJWT } from 'jose';
import type { FastifyRequest } from 'fastify';
import { accessTokenVerifier, BoundedMap, DomainError, hmacKey, TOKEN_ISSUER, TokenRefused, type AccessTokenVerifier, type HmacKey, type TokenRevocations } from '@lc/kit';
import { ROLES, type Role, type User } from '../domain/users.js';

/** Who a verified token names, and which session and token generation it was issued in. */
export interface TokenUser extends User {
  /** The phone sign-in session (absent on dev-login tokens). */
  sessionId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: TokenUser;
  }
}

interface Verified {
  user: TokenUser;
  generation: number;
  expiresAtMs: number;
}

export class Auth {
  // Imported once (jose would import raw bytes again for every token it signs).
  private readonly key: Promise<HmacKey>;
  private readonly verifyToken: AccessTokenVerifier;
  // Verified tokens until they expire: a buyer tapping "buy" repeatedly during a flash sale
  // sends the same token, and its signature need not be checked again on the hot path. Only
  // tokens that passed verifyToken (so carry an exp within the TTL) get in. Revocation is asked
  // every time (from TokenRevocations' own short cache).
  private readonly verified = new BoundedMap<string, Verified>(100_000);
  private revocations: TokenRevocations | undefined;

  constructor(secret: string, private readonly ttlSeconds: number) {
    this.key = hmacKey(secret, 'sign');
    this.verifyToken = accessTokenVerifier(secret, ttlSeconds);
  }

  /** Refuse revoked tokens from now on (sign-out, sign out everywhere). */
  checkRevocations(revocations: TokenRevocations): void {
    this.revocations = revocations;
  }

  /**
   * Claims stay those of the dev login (`sub`, `role`, `name`, `warehouseId`), plus `gen` (the
   * user's token generation) and `sid` (the session) on phone sign-in tokens.
   */
  async issue(user: User, options: { generation?: number; sessionId?: string; ttlSeconds?: number } = {}): Promise<string> {
    return new SignJWT({
      role: user.role,
      name: user.name,
      ...(user.warehouseId ? { warehouseId: user.warehouseId } : {}),
      gen: options.generation ?? 0,
      ...(options.sessionId ? { sid: options.sessionId } : {}),
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setIssuer(TOKEN_ISSUER)
      .setExpirationTime(`${Math.min(options.ttlSeconds ?? this.ttlSeconds, this.ttlSeconds)}s`)
      .sign(await this.key);
  }

  async verify(token: string): Promise<TokenUser> {
    const verified = await this.verifySignature(token);
    if (this.revocations && !(await this.revocations.admits(verified.user.id, verified.generation, verified.user.sessionId))) {
      throw new DomainError('UNAUTHENTICATED', 'token was revoked (signed out), sign in again');
    }
    return verified.user;
  }

  private async verifySignature(token: string): Promise<Verified> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return cached;
    try {
      const { sub, expiresAtMs, claims: payload } = await this.verifyToken(token);
      const role = payload.role as Role;
      if (!ROLES.includes(role)) throw new TokenRefused('token carries no known role');
      const user: TokenUser = { id: sub, role, name: String(payload.name ?? sub) };
      if (typeof payload.warehouseId === 'string' && payload.warehouseId) user.warehouseId = payload.warehouseId;
      if (typeof payload.sid === 'string' && payload.sid) user.sessionId = payload.sid;
      const generation = typeof payload.gen === 'number' && Number.isSafeInteger(payload.gen) ? payload.gen : 0;
      const verified = { user, generation, expiresAtMs };
      this.verified.set(token, verified);
      return verified;
    } catch (err) {
      throw new DomainError('UNAUTHENTICATED', err instanceof TokenRefused ? err.message : 'token is invalid or expired');
    }
  }

  /** A preHandler admitting only the given roles (any authenticated user when none given). */
  guard(...roles: Role[]) {
    return async (request: FastifyRequest) => {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer (.+)$/i.exec(header);
      if (!match?.[1]) throw new DomainError('UNAUTHENTICATED', 'Authorization: a Bearer token is required');
      const user = await this.verify(match[1]);
      if (roles.length && !roles.includes(user.role)) throw new DomainError('FORBIDDEN', `role ${user.role} may not do this`);
      request.user = user;
    };
  }
}

export function currentUser(request: FastifyRequest): TokenUser {
  if (!request.user) throw new DomainError('UNAUTHENTICATED', 'not signed in');
  return request.user;
}
