// A buyer links their WeChat (Official Account openid) for template-message notices, through
// WeChat's OAuth web authorization (snsapi_base, no consent screen): the page asks for the
// authorize URL, WeChat sends the browser back to the page with `code` and `state`, and the page
// posts both here; the code becomes the openid at WeChat. Off (404) unless WeChat is configured.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, WeChatApiError, type WeChatOAuth } from '@lc/kit';
import type { WeChatLinkView } from '@lc/contracts';
import { currentUser, type Auth } from '../adapters/auth.js';
import type { IdentityStore } from '../adapters/identity-store.js';
import type { WeChatLinkStates } from '../adapters/wechat-link-states.js';
import { registerRoutes } from './route-table.js';
import { parse } from './validation.js';

const linkBody = z.object({
  code: z.string({ error: 'code must be a string' }).regex(/^[0-9A-Za-z_-]{1,128}$/, 'code: not a WeChat authorization code'),
  state: z.string({ error: 'state must be a string' }).min(1, 'state is required').max(128, 'state: not a state this platform issued'),
});

export interface WeChatLinking {
  oauth: WeChatOAuth;
  states: WeChatLinkStates;
  /** The page WeChat sends the browser back to (registered with the Official Account). */
  redirectUrl: string;
}

export function weChatLinkRoutes(app: FastifyInstance, deps: { auth: Auth; store: IdentityStore; linking: WeChatLinking | undefined }) {
  const { store } = deps;
  const linkingOrRefuse = (): WeChatLinking => {
    if (!deps.linking) throw new DomainError('NOT_FOUND', 'WeChat linking is not set up on this platform');
    return deps.linking;
  };

  async function weChatLinkStatusHandler(request: FastifyRequest): Promise<WeChatLinkView> {
    const link = await store.weChatLinkOf(currentUser(request).id);
    return { available: deps.linking !== undefined, linked: link !== undefined, linkedAt: link?.linkedAt.toISOString() ?? null };
  }

  async function weChatAuthorizeHandler(request: FastifyRequest) {
    const linking = linkingOrRefuse();
    const state = await linking.states.issue(currentUser(request).id);
    return { url: linking.oauth.authorizeUrl(linking.redirectUrl, state) };
  }

  async function weChatLinkHandler(request: FastifyRequest): Promise<WeChatLinkView> {
    const linking = linkingOrRefuse();
    const body = parse(linkBody, request.body);
    const userId = currentUser(request).id;
    if (!(await linking.states.consume(userId, body.state))) {
      throw new DomainError('INVALID_ARGUMENT', 'state: not a current WeChat link request of yours (expired, used or forged); start linking again');
    }
    let openid: string;
    try {
      openid = await linking.oauth.openidOf(body.code);
    } catch (err) {
      // 40029 invalid code, 40163 code already used: the buyer's fault, not WeChat's outage.
      if (err instanceof WeChatApiError) throw new DomainError('INVALID_ARGUMENT', `code: WeChat refused it (errcode ${err.errcode}); start linking again`);
      throw err;
    }
    const linkedAt = await store.linkWeChat(userId, openid);
    return { available: true, linked: true, linkedAt: linkedAt.toISOString() };
  }

  async function weChatUnlinkHandler(request: FastifyRequest): Promise<WeChatLinkView> {
    await store.unlinkWeChat(currentUser(request).id);
    return { available: deps.linking !== undefined, linked: false, linkedAt: null };
  }

  registerRoutes(app, deps.auth, [
    { method: 'GET', url: '/api/v1/me/wechat', roles: ['buyer'], handler: weChatLinkStatusHandler },
    { method: 'GET', url: '/api/v1/me/wechat/authorize', roles: ['buyer'], handler: weChatAuthorizeHandler },
    { method: 'POST', url: '/api/v1/me/wechat/link', roles: ['buyer'], handler: weChatLinkHandler },
    { method: 'DELETE', url: '/api/v1/me/wechat', roles: ['buyer'], handler: weChatUnlinkHandler },
  ]);
}
