// Verification of the platform's access tokens (HS256 JWTs the gateway issues). The gateway's
// REST guard and live-room's socket handshake both use this, so what a valid token is lives once.
import { webcrypto } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload } from 'jose';

export type HmacKey = webcrypto.CryptoKey;

export const TOKEN_ISSUER = 'livecommerce';

/** How far apart the clocks of the issuing and the checking pod may be. */
export const TOKEN_CLOCK_SKEW_SECONDS = 30;

/** A token that must not be accepted; the message says why, for the 401 / connect_error. */
export class TokenRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRefused';
  }
}

export interface VerifiedToken {
  sub: string;
  /** `exp` in milliseconds: when this token stops being valid. */
  expiresAtMs: number;
  claims: JWTPayload;
}

/**
 * A verifier for tokens signed with `secret`. Beyond the signature and issuer, a token must carry
 * `exp` (one without would be valid forever, and a leaked one could never be retired) and must
 * not live longer than `ttlSeconds` (plus the skew) — measured from `iat` and from now, so neither
 * a long `exp` nor a future `iat` stretches it.
 */
export function accessTokenVerifier(secret: string, ttlSeconds: number, skewSeconds = TOKEN_CLOCK_SKEW_SECONDS) {
  // Imported once: given raw bytes, jose imports a WebCrypto key on every verification, which was
  // a large share of a first-time buyer's tap in the cold-burst profile.
  const key = hmacKey(secret, 'verify');
  const longest = ttlSeconds + skewSeconds;
  return async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await key, { algorithms: ['HS256'], issuer: TOKEN_ISSUER, requiredClaims: ['exp', 'sub'] }));
    } catch (err) {
      throw new TokenRefused(refusalReason(err));
    }
    const exp = payload.exp!;
    const nowSeconds = Date.now() / 1000;
    if (payload.iat !== undefined) {
      if (payload.iat > nowSeconds + skewSeconds) throw new TokenRefused('token is issued in the future (iat)');
      if (exp - payload.iat > longest) throw new TokenRefused(`token lives longer than ${ttlSeconds} s (exp - iat)`);
    }
    if (exp - nowSeconds > longest) throw new TokenRefused(`token lives longer than ${ttlSeconds} s (exp)`);
    if (!payload.sub) throw new TokenRefused('token has no subject (sub)');
    return { sub: payload.sub, expiresAtMs: exp * 1000, claims: payload };
  };
}

export type AccessTokenVerifier = ReturnType<typeof accessTokenVerifier>;

/** The HS256 key for `secret` as a WebCrypto key, imported once for signing or verifying. */
export function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<HmacKey> {
  return webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

function refusalReason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed && err.reason === 'missing') return `token has no ${err.claim} claim`;
  if (err instanceof errors.JWTClaimValidationFailed) return `token ${err.claim} claim is invalid`;
  return 'token is invalid';
}
