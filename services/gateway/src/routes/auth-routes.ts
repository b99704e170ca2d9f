// Sign-in: phone one-time codes (send, sign in, refresh, sign out), the sign-in options the web
// asks for, the development inbox, and the dev login (dev and demo only).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, isDomainError } from '@lc/kit';
import type { CodeSent, DevInboxMessage, SignInOptions, SignInSession } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import type { IdentityStore } from '../adapters/identity-store.js';
import { clientIp } from '../domain/client-ip.js';
import { normalizePhone } from '../domain/phone.js';
import { devUser } from '../domain/users.js';
import type { SignIn } from '../sign-in.js';
import { registerRoutes } from './route-table.js';
import { id, parse } from './validation.js';

export const phone = z
  .string({ error: 'phone must be a string' })
  .transform((value, ctx) => {
    const e164 = normalizePhone(value);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'phone must be a mainland China mobile number (11 digits starting with 1, optionally +86)' });
      return z.NEVER;
    }
    return e164;
  });

const codeBody = z.object({ phone });
const signInBody = z.object({ phone, code: z.string({ error: 'code must be a string' }).regex(/^[0-9]{6}$/, 'code must be 6 digits') });
const refreshBody = z.object({ refreshToken: z.string({ error: 'refreshToken must be a string' }).min(20, 'refreshToken is malformed').max(200, 'refreshToken is malformed') });
const signOutBody = z.object({ everywhere: z.boolean({ error: 'everywhere must be true or false' }).optional() });
const inboxQuery = z.object({ phone });

export interface AuthRouteDeps {
  auth: Auth;
  signIn: SignIn;
  store: IdentityStore;
  devLogin: boolean;
  devInbox: boolean;
  trustedProxyHops: number;
}

export function authRoutes(app: FastifyInstance, deps: AuthRouteDeps) {
  const ipOf = (request: FastifyRequest) => clientIp(request.ip, request.headers['x-forwarded-for'], deps.trustedProxyHops);

  async function devLoginHandler(request: FastifyRequest) {
    if (!deps.devLogin) throw new DomainError('FORBIDDEN', 'dev login is disabled in production');
    const body = parse(z.object({ userId: id('userId') }), request.body);
    const user = devUser(body.userId);
    if (!user) throw new DomainError('NOT_FOUND', `userId: no such user ${body.userId} (try leader-1, warehouse-1, driver-1, admin-1 or buyer-<n>)`);
    const generation = (await deps.store.userById(user.id))?.tokenGeneration ?? 0;
    return { token: await deps.auth.issue(user, { generation }), user };
  }

  async function meHandler(request: FastifyRequest) {
    return { user: request.user };
  }

  async function signInOptionsHandler(): Promise<SignInOptions> {
    return { phone: true, devLogin: deps.devLogin, devInbox: deps.devInbox };
  }

  async function sendCodeHandler(request: FastifyRequest, reply: FastifyReply): Promise<CodeSent> {
    const body = parse(codeBody, request.body);
    const sent = await withRetryAfter(reply, () => deps.signIn.sendCode(body.phone, ipOf(request)));
    return { sent: true, ...sent };
  }

  async function signInHandler(request: FastifyRequest, reply: FastifyReply): Promise<SignInSession> {
    const body = parse(signInBody, request.body);
    return withRetryAfter(reply, () => deps.signIn.signIn(body.phone, body.code, ipOf(request)));
  }

  async function refreshHandler(request: FastifyRequest): Promise<SignInSession> {
    return deps.signIn.refresh(parse(refreshBody, request.body).refreshToken);
  }

  async function signOutHandler(request: FastifyRequest) {
    const body = parse(signOutBody, request.body);
    return deps.signIn.signOut(currentUser(request), body.everywhere ?? false);
  }

  async function devInboxHandler(request: FastifyRequest): Promise<{ messages: DevInboxMessage[] }> {
    if (!deps.devInbox) throw new DomainError('FORBIDDEN', 'the development SMS inbox exists only in development');
    const query = parse(inboxQuery, request.query);
    return { messages: await deps.store.devInbox(query.phone, 5) };
  }

  registerRoutes(app, deps.auth, [
    { method: 'POST', url: '/api/v1/auth/dev-login', roles: 'public', handler: devLoginHandler },
    { method: 'GET', url: '/api/v1/me', roles: [], handler: meHandler },
    { method: 'GET', url: '/api/v1/auth/options', roles: 'public', handler: signInOptionsHandler },
    { method: 'POST', url: '/api/v1/auth/codes', roles: 'public', handler: sendCodeHandler },
    { method: 'POST', url: '/api/v1/auth/sign-in', roles: 'public', handler: signInHandler },
    { method: 'POST', url: '/api/v1/auth/refresh', roles: 'public', handler: refreshHandler },
    { method: 'POST', url: '/api/v1/auth/sign-out', roles: [], handler: signOutHandler },
    { method: 'GET', url: '/api/v1/auth/dev-inbox', roles: 'public', handler: devInboxHandler },
  ]);
}

/** A 429 says when to come back. */
async function withRetryAfter<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const retryAfterMs = isDomainError(error) && error.code === 'RATE_LIMITED' ? error.details?.retryAfterMs : undefined;
    if (typeof retryAfterMs === 'number') void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    throw error;
  }
}
