// Share tokens: HS256 JWTs (jose) under SHARE_LINK_SECRET, a key no other token shares, with their
// own audience so no other token of the platform passes for one. Claims: sub = the leader,
// `ls` / `sku` = the live session / SKU the link is for (absent: any), exp.
import { errors, jwtVerify, SignJWT } from 'jose';
import { DomainError, hmacKey, TOKEN_CLOCK_SKEW_SECONDS, TOKEN_ISSUER, type HmacKey } from '@lc/kit';
import type { ShareTokenReading } from '../domain/share-link.js';

const AUDIENCE = 'share-link';

export interface ShareLinkRequest {
  leaderId: string;
  liveSessionId: string;
  skuId: string;
  ttlSeconds: number;
}

export class ShareTokens {
  private readonly signKey: Promise<HmacKey>;
  private readonly verifyKey: Promise<HmacKey>;

  /** `clock` issues and expires links in the service's business time (see startOrder). */
  constructor(
    secret: string,
    private readonly ttl: { defaultSeconds: number; maxSeconds: number },
    private readonly clock: () => number = Date.now,
  ) {
    this.signKey = hmacKey(secret, 'sign');
    this.verifyKey = hmacKey(secret, 'verify');
  }

  async issue(link: ShareLinkRequest): Promise<{ token: string; expiresAtMs: number }> {
    if (!link.leaderId) throw new DomainError('INVALID_ARGUMENT', 'leaderId: required');
    const ttlSeconds = link.ttlSeconds || this.ttl.defaultSeconds;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > this.ttl.maxSeconds) {
      throw new DomainError('INVALID_ARGUMENT', `ttlSeconds: an integer from 60 to ${this.ttl.maxSeconds}`);
    }
    const issuedAt = Math.floor(this.clock() / 1000);
    const exp = issuedAt + ttlSeconds;
    const token = await new SignJWT({ ...(link.liveSessionId ? { ls: link.liveSessionId } : {}), ...(link.skuId ? { sku: link.skuId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(link.leaderId)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(exp)
      .sign(await this.signKey);
    return { token, expiresAtMs: exp * 1000 };
  }

  /** The token's leader and scope if we signed it and it is current; never throws on a bad token. */
  async read(token: string): Promise<ShareTokenReading> {
    try {
      const { payload } = await jwtVerify(token, await this.verifyKey, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: TOKEN_CLOCK_SKEW_SECONDS,
        currentDate: new Date(this.clock()),
      });
      const text = (v: unknown) => (typeof v === 'string' ? v : '');
      if (!payload.sub) return { kind: 'INVALID' };
      return { kind: 'VALID', leaderId: payload.sub, liveSessionId: text(payload.ls), skuId: text(payload.sku), expiresAtMs: payload.exp! * 1000 };
    } catch (err) {
      // Only an otherwise valid token reports its expiry: jose checks the signature first.
      return err instanceof errors.JWTExpired ? { kind: 'EXPIRED' } : { kind: 'INVALID' };
    }
  }
}
