// JWT (HS256, jose) issue and verification, and the per-route role guard.
import { SignJWT, jwtVerify } from 'jose';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@lc/kit';
import { ROLES, type Role, type User } from '../domain/users.js';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

export class Auth {
  private readonly key: Uint8Array;
  // Verified tokens until they expire: a buyer tapping "buy" repeatedly during a flash sale
  // sends the same token, and its signature need not be checked again on the hot path.
  private readonly verified = new Map<string, { user: User; expiresAtMs: number }>();

  constructor(secret: string, private readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(user: User): Promise<string> {
    return new SignJWT({ role: user.role, name: user.name, ...(user.warehouseId ? { warehouseId: user.warehouseId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setIssuer('livecommerce')
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<User> {
    const cached = this.verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return cached.user;
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: 'livecommerce' });
      const role = payload.role as Role;
      if (!payload.sub || !ROLES.includes(role)) throw new Error('bad claims');
      const user: User = { id: payload.sub, role, name: String(payload.name ?? payload.sub) };
      if (typeof payload.warehouseId === 'string' && payload.warehouseId) user.warehouseId = payload.warehouseId;
      if (this.verified.size >= 100_000) this.verified.clear();
      this.verified.set(token, { user, expiresAtMs: (payload.exp ?? 0) * 1000 });
      return user;
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'token is invalid or expired');
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
