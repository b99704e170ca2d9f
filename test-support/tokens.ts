// Access tokens signed by a test with the platform's secret and whatever claims it needs (no exp,
// a far exp, a future iat), to check what the gateway and the live room accept.
import { SignJWT, type JWTPayload } from 'jose';

export function signToken(secret: string, claims: JWTPayload & { role?: string; name?: string }): Promise<string> {
  return new SignJWT({ iss: 'livecommerce', ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
