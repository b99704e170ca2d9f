// The gateway's REST API (/api/v1) as the pages use it: the phone sign-in session (or, in
// development, the dev login), JSON calls, errors as values with the server's code.
import type { SignInOptions, SignInSession } from '@lc/contracts/views';
import { refusal } from './format.js';

export interface User {
  id: string;
  role: 'buyer' | 'leader' | 'warehouse' | 'driver' | 'admin';
  name: string;
  /** Warehouse staff: the warehouse they work for. */
  warehouseId?: string;
}

export interface Session {
  token: string;
  user: User;
  /** Phone sign-in sessions renew their short access token with this. */
  refreshToken?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Bilingual text for a person. */
  get explanation(): string {
    return refusal(this.code, this.message);
  }
}

const storageKey = (userId: string) => `lc.session.${userId}`;
const PHONE_SESSION_KEY = 'lc.phoneSession';

/** The phone sign-in session kept in this browser, if any. */
export function phoneSession(): SignInSession | undefined {
  const kept = localStorage.getItem(PHONE_SESSION_KEY);
  return kept ? (JSON.parse(kept) as SignInSession) : undefined;
}

export function keepPhoneSession(session: SignInSession): void {
  localStorage.setItem(PHONE_SESSION_KEY, JSON.stringify(session));
}

export function forgetPhoneSession(): void {
  localStorage.removeItem(PHONE_SESSION_KEY);
}

let options: Promise<SignInOptions> | undefined;
/** How this deployment lets people sign in (asked once per page). */
export function signInOptions(): Promise<SignInOptions> {
  options ??= request<SignInOptions>('GET', '/api/v1/auth/options', undefined);
  return options;
}

/** Public calls (sign-in itself) made without a session. */
export function publicCall<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  return request<T>(method, `/api/v1${path}`, undefined, body);
}

/** To the sign-in page, coming back here afterwards; the page's work stops here (never settles). */
export function goToSignIn(): Promise<never> {
  location.assign(`/signin.html?next=${encodeURIComponent(location.pathname + location.search)}`);
  return new Promise<never>(() => undefined);
}

/** Signs in through the dev login, reusing this tab's token for the same user unless `fresh`. */
export async function devLogin(userId: string, fresh = false): Promise<Session> {
  const cached = fresh ? null : sessionStorage.getItem(storageKey(userId));
  if (cached) {
    const session = JSON.parse(cached) as Session;
    if (!tokenExpired(session.token)) return session;
  }
  const session = (await request<Session>('POST', '/api/v1/auth/dev-login', undefined, { userId })) as Session;
  sessionStorage.setItem(storageKey(userId), JSON.stringify(session));
  return session;
}

function tokenExpired(token: string): boolean {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return payload.exp !== undefined && payload.exp * 1000 < Date.now() + 60_000;
  } catch {
    return true;
  }
}

/** The buyer id this browser uses (kept across visits, like a logged-in phone). */
export function buyerIdForThisBrowser(): string {
  const given = new URLSearchParams(location.search).get('buyer');
  if (given) return given;
  let id = localStorage.getItem('lc.buyerId');
  if (!id) {
    id = `buyer-${Math.floor(100000 + Math.random() * 899999)}`;
    localStorage.setItem('lc.buyerId', id);
  }
  return id;
}

async function request<T>(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', `网络错误 Network error: ${(e as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (!response.ok) {
    const err = (parsed ?? {}) as { code?: string; message?: string; details?: unknown };
    throw new ApiError(response.status, err.code ?? `HTTP_${response.status}`, err.message ?? response.statusText, err.details);
  }
  return parsed as T;
}

/** Calls on behalf of one signed-in user. */
export class Api {
  constructor(public session: Session) {}

  private renewing: Promise<string> | undefined;

  /** A new token for the same user (tokens expire; the live socket renews with this). */
  renew(): Promise<string> {
    // One renewal at a time: a refresh token is good once, and a second use of it would revoke
    // the whole session.
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewOnce(): Promise<string> {
    if (!this.session.refreshToken) {
      this.session = await devLogin(this.session.user.id, true);
      return this.session.token;
    }
    // Tabs share the session: under a lock, one tab refreshes and the others adopt its result.
    const run = () => this.refreshPhoneSession();
    return navigator.locks ? navigator.locks.request('lc.phoneSession.refresh', run) : run();
  }

  private async refreshPhoneSession(): Promise<string> {
    const kept = phoneSession();
    const mine = kept?.user.id === this.session.user.id ? kept : undefined;
    if (mine && mine.refreshToken !== this.session.refreshToken && !tokenExpired(mine.token)) {
      this.session = mine;
      return mine.token;
    }
    try {
      const renewed = await publicCall<SignInSession>('POST', '/auth/refresh', { refreshToken: (mine ?? this.session).refreshToken });
      keepPhoneSession(renewed);
      this.session = renewed;
      return renewed.token;
    } catch (e) {
      // Signed out elsewhere, or the refresh token was used twice: sign in again.
      if (e instanceof ApiError && e.status === 401) {
        forgetPhoneSession();
        return goToSignIn();
      }
      throw e;
    }
  }

  private async fresh(): Promise<string> {
    return tokenExpired(this.session.token) ? this.renew() : this.session.token;
  }

  get user(): User {
    return this.session.user;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.call((token) => request<T>('GET', `/api/v1${path}`, token));
  }

  post<T = unknown>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<T> {
    return this.call((token) => request<T>('POST', `/api/v1${path}`, token, body, headers));
  }

  put<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    return this.call((token) => request<T>('PUT', `/api/v1${path}`, token, body));
  }

  del<T = unknown>(path: string): Promise<T> {
    return this.call((token) => request<T>('DELETE', `/api/v1${path}`, token));
  }

  /** A refused access token (signed out elsewhere) gets one renewal, which sends a signed-out person to sign in. */
  private async call<T>(send: (token: string) => Promise<T>): Promise<T> {
    try {
      return await send(await this.fresh());
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401 && this.session.refreshToken)) throw e;
      return send(await this.renew());
    }
  }

  /**
   * The signed-in person when they have `role`; otherwise, in development, the dev login as
   * `userId`; otherwise the sign-in page.
   */
  static async as(userId: string, role: User['role']): Promise<Api> {
    const signedIn = phoneSession();
    if (signedIn && signedIn.user.role === role) return new Api(signedIn);
    if ((await signInOptions()).devLogin) return new Api(await devLogin(userId));
    return goToSignIn();
  }
}

/** Runs `fn`, showing an ApiError's bilingual explanation instead of throwing. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return e.explanation;
  return e instanceof Error ? e.message : String(e);
}
