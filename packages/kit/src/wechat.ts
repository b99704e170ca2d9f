// WeChat Official Account API, one client for every service that talks to it: the gateway
// exchanges OAuth codes for a buyer's openid, live-room sends template messages. The access token
// is shared by every pod through Redis (WeChat allows few token fetches a day, and a fresh one can
// invalidate the old one), fetched by one pod at a time.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { ConfigError, configTypes } from './config.js';
import { DomainError } from './errors.js';
import type { Logger } from './logger.js';

export const WECHAT_DEFAULT_API_BASE = 'https://api.weixin.qq.com';

/**
 * The Official Account's settings, the same in every service that talks to WeChat. Unset, WeChat is
 * off; see {@link weChatSettingsOf} for what must come together.
 */
export const weChatConfigVars = {
  // An AppID is "wx" and 16 more letters or digits.
  WECHAT_APP_ID: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, 'must be an Official Account AppID (wx and 16 letters or digits)').optional(),
  WECHAT_APP_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Tests point it at a local server speaking WeChat's protocol; production reaches WeChat over https.
  WECHAT_API_BASE: configTypes.httpsInProduction(configTypes.url(['http:', 'https:']).default(WECHAT_DEFAULT_API_BASE)),
};

/**
 * The WeChat settings when the deployment gives the app's id, its secret and every one of `also`
 * (what this service needs besides: a redirect URL, a template id); undefined when it gives none;
 * half a setting is a deployment mistake and refuses to start, naming them all.
 */
export function weChatSettingsOf(
  config: { WECHAT_APP_ID?: string | undefined; WECHAT_APP_SECRET?: string | undefined; WECHAT_API_BASE: string },
  also: Record<string, string | undefined>,
): WeChatSettings | undefined {
  const given = { WECHAT_APP_ID: config.WECHAT_APP_ID, WECHAT_APP_SECRET: config.WECHAT_APP_SECRET, ...also };
  const set = Object.values(given).filter(Boolean).length;
  if (set === 0) return undefined;
  if (set < Object.keys(given).length) throw new ConfigError([`${Object.keys(given).join(', ')}: set all (WeChat on) or none (off)`]);
  return { appId: config.WECHAT_APP_ID!, appSecret: config.WECHAT_APP_SECRET!, apiBase: config.WECHAT_API_BASE };
}

/** The errcodes by which WeChat says the access token is stale (invalid, expired). */
const STALE_TOKEN = new Set([40001, 42001]);

/** An answer of WeChat's with a non-zero errcode. */
export class WeChatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeChat errcode ${errcode}: ${errmsg}`);
  }
}

interface WeChatAnswer {
  errcode?: number;
  errmsg?: string;
}

export interface WeChatSettings {
  appId: string;
  appSecret: string;
  /** Where WeChat's API is (tests point it at a local server speaking the same protocol). */
  apiBase?: string;
  timeoutMs?: number;
}

async function call<T extends WeChatAnswer>(url: string, init: RequestInit, timeoutMs: number): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new DomainError('UNAVAILABLE', `WeChat API unreachable: ${(err as Error).message}`);
  }
  if (!response.ok) {
    await response.arrayBuffer();
    throw new DomainError('UNAVAILABLE', `WeChat API answered HTTP ${response.status}`);
  }
  const body = (await response.json()) as T;
  if (body.errcode) throw new WeChatApiError(body.errcode, body.errmsg ?? '');
  return body;
}

const postJson = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** OAuth web authorization (snsapi_base): who a buyer is on WeChat, for linking their account. */
export class WeChatOAuth {
  private readonly base: string;

  constructor(private readonly settings: WeChatSettings) {
    this.base = settings.apiBase ?? WECHAT_DEFAULT_API_BASE;
  }

  /** Where to send the buyer's browser; WeChat comes back to `redirectUri` with `code` and `state`. */
  authorizeUrl(redirectUri: string, state: string): string {
    const query = new URLSearchParams({ appid: this.settings.appId, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state });
    return `https://open.weixin.qq.com/connect/oauth2/authorize?${query.toString()}#wechat_redirect`;
  }

  /** The openid behind a one-time authorization code (WeChat refuses a used or expired code). */
  async openidOf(code: string): Promise<string> {
    const query = new URLSearchParams({ appid: this.settings.appId, secret: this.settings.appSecret, code, grant_type: 'authorization_code' });
    const answer = await call<WeChatAnswer & { openid?: string }>(`${this.base}/sns/oauth2/access_token?${query.toString()}`, { method: 'GET' }, this.settings.timeoutMs ?? 5000);
    if (!answer.openid) throw new DomainError('UNAVAILABLE', 'WeChat gave no openid for the code');
    return answer.openid;
  }
}

export interface TemplateMessage {
  openid: string;
  templateId: string;
  /** Template fields, each `{value}` as WeChat expects (the names are the template's, e.g. thing2). */
  data: Record<string, string>;
  /** Opened when the buyer taps the message. */
  url?: string;
}

/** Seconds before WeChat's stated expiry when a cached token stops being used. */
const TOKEN_MARGIN_SECONDS = 300;
/** How long one pod may hold the right to fetch a token. */
const REFRESH_LOCK_MS = 10_000;

/**
 * Template messages with the Official Account's access token. The token comes from
 * `POST /cgi-bin/stable_token` and lives in Redis under one key per app for every pod; a pod that
 * finds none takes a short lock and fetches it while the others wait for it to appear. A send
 * answered with a stale-token errcode drops that token (only if still the cached one) and retries
 * once with a fresh one.
 */
export class WeChatMessages {
  private readonly base: string;
  private readonly tokenKey: string;
  private readonly lockKey: string;

  constructor(
    private readonly settings: WeChatSettings,
    private readonly redis: Redis,
    redisPrefix: string,
    private readonly logger: Logger,
  ) {
    this.base = settings.apiBase ?? WECHAT_DEFAULT_API_BASE;
    this.tokenKey = `${redisPrefix}wechat:token:${settings.appId}`;
    this.lockKey = `${this.tokenKey}:refreshing`;
  }

  /** Resolves with WeChat's msgid once it took the message; throws {@link WeChatApiError} on a refusal. */
  async sendTemplate(message: TemplateMessage): Promise<number> {
    const body = {
      touser: message.openid,
      template_id: message.templateId,
      ...(message.url ? { url: message.url } : {}),
      data: Object.fromEntries(Object.entries(message.data).map(([name, value]) => [name, { value }])),
    };
    const send = (token: string) => call<WeChatAnswer & { msgid?: number }>(`${this.base}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, postJson(body), this.timeoutMs);
    const token = await this.accessToken();
    try {
      return (await send(token)).msgid ?? 0;
    } catch (err) {
      if (!(err instanceof WeChatApiError && STALE_TOKEN.has(err.errcode))) throw err;
      this.logger.info({ errcode: err.errcode }, 'WeChat access token stale, refreshing once');
      return (await send(await this.accessToken(token))).msgid ?? 0;
    }
  }

  private get timeoutMs(): number {
    return this.settings.timeoutMs ?? 5000;
  }

  /** The shared token; `stale` is one WeChat just refused, which is not to be handed out again. */
  private async accessToken(stale?: string): Promise<string> {
    const deadline = Date.now() + REFRESH_LOCK_MS + this.timeoutMs;
    for (;;) {
      const cached = await this.redis.get(this.tokenKey);
      if (cached && cached !== stale) return cached;
      const holder = randomUUID();
      if (await this.redis.set(this.lockKey, holder, 'PX', REFRESH_LOCK_MS, 'NX')) {
        try {
          return await this.fetchToken(stale);
        } finally {
          // Only our own lock: one that expired and was taken by another pod stays theirs.
          await this.redis.eval(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`, 1, this.lockKey, holder);
        }
      }
      if (Date.now() > deadline) throw new DomainError('UNAVAILABLE', 'WeChat access token: another pod is still fetching it');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async fetchToken(stale: string | undefined): Promise<string> {
    // Another pod may have refreshed between our read and our lock.
    const cached = await this.redis.get(this.tokenKey);
    if (cached && cached !== stale) return cached;
    // Never force_refresh: a forced token invalidates the one every other pod holds, and WeChat
    // allows few a day. A token WeChat just called stale is replaced by now on its side.
    const answer = await call<WeChatAnswer & { access_token?: string; expires_in?: number }>(
      `${this.base}/cgi-bin/stable_token`,
      postJson({ grant_type: 'client_credential', appid: this.settings.appId, secret: this.settings.appSecret, force_refresh: false }),
      this.timeoutMs,
    );
    if (!answer.access_token || !answer.expires_in) throw new DomainError('UNAVAILABLE', 'WeChat gave no access token');
    const ttl = Math.max(1, answer.expires_in - TOKEN_MARGIN_SECONDS);
    await this.redis.set(this.tokenKey, answer.access_token, 'EX', ttl);
    return answer.access_token;
  }
}
