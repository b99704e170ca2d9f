// Phone sign-in: one-time codes by SMS, sessions with short access tokens and rotating refresh
// tokens, sign-out of one session or of all. Buyers sign up on their first sign-in; every other
// role's user is made by an admin or by leader onboarding.
import { createHash, randomBytes } from 'node:crypto';
import { DomainError, type Logger, type RedisTokenBuckets, type TokenRevocations } from '@lc/kit';
import type { Auth, TokenUser } from './adapters/auth.js';
import type { IdentityStore, IdentityUser } from './adapters/identity-store.js';
import type { SmsSender } from './adapters/sms-sender.js';
import { maskPhone } from './domain/phone.js';
import { codeMatches, hashCode, judgeCode, newCode, smsText, type CodeVerdict } from './domain/sign-in-code.js';

export interface SignInSettings {
  codeSecret: string;
  codeTtlSeconds: number;
  codeMaxAttempts: number;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** How long after its rotation a refresh token may come back once (its answer was lost). */
  refreshReuseGraceSeconds: number;
}

export interface SignInLimits {
  codesPerPhone: RedisTokenBuckets;
  codesPerIp: RedisTokenBuckets;
  signInsPerIp: RedisTokenBuckets;
}

export interface IssuedSession {
  token: string;
  refreshToken: string;
  accessExpiresAt: string;
  user: TokenUser;
}

const CODE_REFUSALS: Record<Exclude<CodeVerdict, 'ok'>, DomainError> = {
  'no-code': new DomainError('INVALID_ARGUMENT', 'code: no code was sent to this phone, ask for one', { reason: 'NO_CODE' }),
  expired: new DomainError('INVALID_ARGUMENT', 'code: expired, ask for a new one', { reason: 'CODE_EXPIRED' }),
  used: new DomainError('INVALID_ARGUMENT', 'code: already used, ask for a new one', { reason: 'CODE_USED' }),
  wrong: new DomainError('INVALID_ARGUMENT', 'code: wrong code', { reason: 'CODE_WRONG' }),
  'too-many-attempts': new DomainError('RATE_LIMITED', 'code: too many wrong tries, ask for a new code', { reason: 'CODE_ATTEMPTS_EXHAUSTED' }),
};

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export class SignIn {
  constructor(
    private readonly store: IdentityStore,
    private readonly sms: SmsSender,
    private readonly auth: Auth,
    private readonly revocations: TokenRevocations,
    private readonly limits: SignInLimits,
    private readonly settings: SignInSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends a fresh code to the phone (retiring any earlier one). */
  async sendCode(phone: string, ip: string): Promise<{ expiresInSeconds: number }> {
    // The IP budget is spent first, so one address spraying many phones is stopped without
    // spending those phones' budgets.
    await this.take(this.limits.codesPerIp, ip, 'too many codes asked from this address');
    await this.take(this.limits.codesPerPhone, phone, 'too many codes asked for this phone');
    const code = newCode();
    const nowMs = this.now();
    await this.store.addCode(phone, hashCode(this.settings.codeSecret, phone, code), nowMs, this.settings.codeTtlSeconds * 1000);
    await this.sms.send(phone, smsText(code, this.settings.codeTtlSeconds));
    this.logger.info({ phone: maskPhone(phone), sender: this.sms.name }, 'sign-in code sent');
    return { expiresInSeconds: this.settings.codeTtlSeconds };
  }

  async signIn(phone: string, code: string, ip: string): Promise<IssuedSession> {
    await this.take(this.limits.signInsPerIp, ip, 'too many sign-in tries from this address');
    const stored = await this.store.tryLatestCode(phone);
    const nowMs = this.now();
    let verdict = judgeCode(stored, stored ? codeMatches(this.settings.codeSecret, phone, code, stored.codeHash) : false, nowMs, this.settings.codeMaxAttempts);
    if (verdict === 'ok' && !(await this.store.consumeCode(stored!.id, nowMs))) verdict = 'used';
    if (verdict !== 'ok') {
      this.logger.info({ phone: maskPhone(phone), verdict }, 'sign-in refused');
      throw CODE_REFUSALS[verdict];
    }
    const user = (await this.store.userByPhone(phone)) ?? (await this.store.signUpBuyer(phone));
    const refreshToken = randomBytes(32).toString('base64url');
    const sessionId = await this.store.openSession(user.id, sha256(refreshToken), nowMs, this.settings.refreshTtlSeconds * 1000);
    this.logger.info({ userId: user.id, role: user.role, sessionId }, 'signed in');
    return this.issue(user, sessionId, refreshToken, nowMs);
  }

  async refresh(refreshToken: string): Promise<IssuedSession> {
    const next = randomBytes(32).toString('base64url');
    const nowMs = this.now();
    const outcome = await this.store.rotateRefreshToken(sha256(refreshToken), sha256(next), nowMs, this.settings.refreshTtlSeconds * 1000, this.settings.refreshReuseGraceSeconds * 1000);
    switch (outcome.kind) {
      case 'rotated':
        return this.issue(outcome.user, outcome.sessionId, next, nowMs);
      case 'reused':
        // A rotated token came back: someone holds a copy. End the session for both holders.
        await this.revocations.revokeSession(outcome.userId, outcome.sessionId);
        this.logger.warn({ sessionId: outcome.sessionId }, 'refresh token reused: session revoked');
        throw new DomainError('UNAUTHENTICATED', 'refreshToken: already used; the session is revoked, sign in again', { reason: 'REFRESH_REUSED' });
      case 'expired':
        throw new DomainError('UNAUTHENTICATED', 'refreshToken: expired, sign in again', { reason: 'REFRESH_EXPIRED' });
      case 'revoked':
        throw new DomainError('UNAUTHENTICATED', 'refreshToken: the session was signed out, sign in again', { reason: 'SESSION_REVOKED' });
      default:
        throw new DomainError('UNAUTHENTICATED', 'refreshToken: unknown', { reason: 'REFRESH_UNKNOWN' });
    }
  }

  async signOut(user: TokenUser, everywhere: boolean): Promise<{ signedOut: 'session' | 'everywhere' }> {
    if (everywhere) {
      const generation = await this.store.signOutEverywhere(user.id);
      await this.revocations.raiseFloor(user.id, generation);
      this.logger.info({ userId: user.id, generation }, 'signed out everywhere');
      return { signedOut: 'everywhere' };
    }
    if (!user.sessionId) throw new DomainError('INVALID_ARGUMENT', 'this token belongs to no session (a dev login); use {"everywhere": true}');
    await this.store.revokeSession(user.id, user.sessionId, this.now());
    await this.revocations.revokeSession(user.id, user.sessionId);
    this.logger.info({ userId: user.id, sessionId: user.sessionId }, 'signed out');
    return { signedOut: 'session' };
  }

  private async issue(user: IdentityUser, sessionId: string, refreshToken: string, nowMs: number): Promise<IssuedSession> {
    const tokenUser: TokenUser = { id: user.id, role: user.role, name: user.name, ...(user.warehouseId ? { warehouseId: user.warehouseId } : {}) };
    const token = await this.auth.issue(tokenUser, { generation: user.tokenGeneration, sessionId, ttlSeconds: this.settings.accessTtlSeconds });
    return { token, refreshToken, accessExpiresAt: new Date(nowMs + this.settings.accessTtlSeconds * 1000).toISOString(), user: tokenUser };
  }

  private async take(buckets: RedisTokenBuckets, key: string, why: string): Promise<void> {
    const take = await buckets.take(key);
    if (!take.taken) throw new DomainError('RATE_LIMITED', why, { retryAfterMs: take.retryAfterMs });
  }
}
