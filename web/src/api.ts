// The gateway's REST API (/api/v1) as the pages use it: dev login, JSON calls, errors as values
// with the server's code.
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

  /** A new token for the same user (tokens expire; the live socket renews with this). */
  async renew(): Promise<string> {
    this.session = await devLogin(this.session.user.id, true);
    return this.session.token;
  }

  get user(): User {
    return this.session.user;
  }

  get<T = unknown>(path: string): Promise<T> {
    return request<T>('GET', `/api/v1${path}`, this.session.token);
  }

  post<T = unknown>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<T> {
    return request<T>('POST', `/api/v1${path}`, this.session.token, body, headers);
  }

  put<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    return request<T>('PUT', `/api/v1${path}`, this.session.token, body);
  }

  static async as(userId: string): Promise<Api> {
    return new Api(await devLogin(userId));
  }
}

/** Runs `fn`, showing an ApiError's bilingual explanation instead of throwing. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) return e.explanation;
  return e instanceof Error ? e.message : String(e);
}
