// A local HTTP server speaking the part of WeChat's Official Account API the platform uses, as
// WeChat documents it: stable access tokens (POST /cgi-bin/stable_token), template messages
// (POST /cgi-bin/message/template/send) and OAuth code exchange (GET /sns/oauth2/access_token).
// WeChat is outside our system and unreachable here; this plays it, checking every request it gets
// (credentials, the token, the JSON shape) and answering with WeChat's errcodes, so what it
// records is what WeChat would have taken.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** WeChat's limits on template field values by field type (the name's prefix), in characters. */
const FIELD_LIMITS: [string, number][] = [
  ['thing', 20],
  ['character_string', 32],
  ['phrase', 5],
];

export interface SentTemplate {
  touser: string;
  template_id: string;
  url?: string;
  data: Record<string, { value: string }>;
}

export async function startWeChatServer(opts: { appId: string; appSecret: string; templateId: string }) {
  const sent: SentTemplate[] = [];
  /** Requests WeChat would have refused for their shape or credentials (a bug on our side). */
  const malformed: string[] = [];
  const tokenRequests: { forceRefresh: boolean }[] = [];
  const unsubscribed = new Set<string>();
  // One-time OAuth codes this "WeChat" handed out, to the openid each stands for.
  const codes = new Map<string, { openid: string; used: boolean }>();
  let token = { value: '', expiresAt: 0 };
  let sendDelayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let staleTokenAnswers = 0;

  const newToken = () => ({ value: `tok_${randomBytes(24).toString('hex')}`, expiresAt: Date.now() + 7200_000 });
  const json = (res: ServerResponse, body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function bodyOf(req: IncomingMessage): Promise<unknown> {
    let text = '';
    req.setEncoding('utf8');
    for await (const chunk of req) text += chunk;
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  function isTemplateSend(body: unknown): body is SentTemplate {
    if (typeof body !== 'object' || body === null) return false;
    const b = body as Record<string, unknown>;
    const keys = Object.keys(b).sort();
    const allowed = ['data', 'template_id', 'touser', 'url'];
    if (!keys.every((k) => allowed.includes(k)) || typeof b.touser !== 'string' || typeof b.template_id !== 'string') return false;
    if (b.url !== undefined && typeof b.url !== 'string') return false;
    if (typeof b.data !== 'object' || b.data === null) return false;
    return Object.values(b.data).every((f) => typeof f === 'object' && f !== null && Object.keys(f).join() === 'value' && typeof (f as { value: unknown }).value === 'string');
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://wechat.local');
      if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') {
        const body = (await bodyOf(req)) as Record<string, unknown> | undefined;
        if (body?.grant_type !== 'client_credential' || typeof body.appid !== 'string' || typeof body.secret !== 'string') {
          malformed.push(`stable_token: ${JSON.stringify(body)}`);
          return json(res, { errcode: 40002, errmsg: 'invalid grant_type' });
        }
        if (body.appid !== opts.appId) return json(res, { errcode: 40013, errmsg: 'invalid appid' });
        if (body.secret !== opts.appSecret) return json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
        const forceRefresh = body.force_refresh === true;
        tokenRequests.push({ forceRefresh });
        // The stable token stays the same until it expires or is force-refreshed.
        if (forceRefresh || token.expiresAt <= Date.now()) token = newToken();
        return json(res, { access_token: token.value, expires_in: Math.round((token.expiresAt - Date.now()) / 1000) });
      }
      if (req.method === 'POST' && url.pathname === '/cgi-bin/message/template/send') {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          const body = await bodyOf(req);
          if (sendDelayMs) await new Promise((resolve) => setTimeout(resolve, sendDelayMs));
          const given = url.searchParams.get('access_token');
          if (given !== token.value) {
            staleTokenAnswers++;
            return json(res, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
          }
          if (token.expiresAt <= Date.now()) {
            staleTokenAnswers++;
            return json(res, { errcode: 42001, errmsg: 'access_token expired' });
          }
          if (!isTemplateSend(body)) {
            malformed.push(`template/send: ${JSON.stringify(body)}`);
            return json(res, { errcode: 47001, errmsg: 'data format error' });
          }
          if (body.template_id !== opts.templateId) return json(res, { errcode: 40037, errmsg: 'invalid template_id' });
          const tooLong = Object.entries(body.data).find(([name, { value }]) => [...value].length > (FIELD_LIMITS.find(([prefix]) => name.startsWith(prefix))?.[1] ?? Infinity));
          if (tooLong) return json(res, { errcode: 47003, errmsg: `argument invalid! data.${tooLong[0]}.value exceeds limit` });
          if (unsubscribed.has(body.touser)) return json(res, { errcode: 43004, errmsg: 'require subscribe' });
          sent.push(body);
          return json(res, { errcode: 0, errmsg: 'ok', msgid: sent.length });
        } finally {
          inFlight--;
        }
      }
      if (req.method === 'GET' && url.pathname === '/sns/oauth2/access_token') {
        const q = url.searchParams;
        if (q.get('grant_type') !== 'authorization_code' || q.get('appid') !== opts.appId || q.get('secret') !== opts.appSecret) {
          malformed.push(`oauth2/access_token: ${url.search}`);
          return json(res, { errcode: 40013, errmsg: 'invalid appid or secret' });
        }
        const entry = codes.get(q.get('code') ?? '');
        if (!entry) return json(res, { errcode: 40029, errmsg: 'invalid code' });
        if (entry.used) return json(res, { errcode: 40163, errmsg: 'code been used' });
        entry.used = true;
        return json(res, { access_token: `oauth_${randomBytes(8).toString('hex')}`, expires_in: 7200, refresh_token: 'r', openid: entry.openid, scope: 'snsapi_base' });
      }
      res.writeHead(404).end();
    })().catch((err: unknown) => {
      malformed.push(String(err));
      res.writeHead(500).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    sent,
    malformed,
    tokenRequests,
    unsubscribed,
    get maxInFlight() {
      return maxInFlight;
    },
    get staleTokenAnswers() {
      return staleTokenAnswers;
    },
    set sendDelayMs(ms: number) {
      sendDelayMs = ms;
    },
    /** What WeChat's authorize page gives a browser it sends back: a one-time code for `openid`. */
    authorize(openid: string): string {
      const code = randomBytes(16).toString('hex');
      codes.set(code, { openid, used: false });
      return code;
    },
    /** The token changes under the platform (someone force-refreshed it with the same app). */
    rotateToken(): void {
      token = newToken();
    },
    /** The token outlives WeChat's expiry (as a cache with a clock too far behind would see it). */
    expireToken(): void {
      token = { ...token, expiresAt: Date.now() - 1 };
    },
    sentTo(openid: string): SentTemplate[] {
      return sent.filter((m) => m.touser === openid);
    },
    assertClean(): void {
      assert.deepEqual(malformed, []);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type WeChatServer = Awaited<ReturnType<typeof startWeChatServer>>;
