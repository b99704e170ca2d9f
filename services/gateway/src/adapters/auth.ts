// JWT (HS256, jose) issue and verification, and the per-route role guard.
import { SignJWT } from 'jose';
import type { FastifyRequest } from 'fastify';
import { accessTokenVerifier, BoundedMap, DomainError, hmacKey, TOKEN_ISSUER, TokenRefused, type AccessTokenVerifier, type HmacKey } from '@lc/kit';
import { ROLES, type Role, type User } from '../domain/users.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

export class Auth {
  // Imported once (jose would import raw bytes again for every token it signs).
  private readonly key: Promise<HmacKey>;
  private readonly verifyToken: AccessTokenVerifier;
  // Verified tokens until they expire: a buyer tapping "buy" repeatedly during a flash sale
  // sends the same token, and its signature need not be checked again on the hot path. Only
  // tokens that passed verifyToken (so carry an exp within the TTL) get in.
  private readonly verified = new BoundedMap<string, { user: User; expiresAtMs: number }>(100_000);

  constructor(secret: string, private readonly ttlSeconds: number) {
    this.key = hmacKey(secret, 'sign');
    this.verifyToken = accessTokenVerifier(secret, ttlSeconds);
  }

  async issue(user: User): Promise<string> {
    return new SignJWT({ role: user.role, name: user.name, ...(user.warehouseId ? { warehouseId: user.warehouseId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setIssuer(TOKEN_ISSUER)
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(await this.key);
  }

  async verify(token: string): Promise<User> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return cached.user;
    try {
      const { sub, expiresAtMs, claims: payload } = await this.verifyToken(token);
      const role = payload.role as Role;
      if (!ROLES.includes(role)) throw new TokenRefused('token carries no known role');
      const user: User = { id: sub, role, name: String(payload.name ?? sub) };
      if (typeof payload.warehouseId === 'string' && payload.warehouseId) user.warehouseId = payload.warehouseId;
      this.verified.set(token, { user, expiresAtMs });
      return user;
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

export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new DomainError('UNAUTHENTICATED', 'not signed in');
  return request.user;
}
