// Who may hold a live-room socket, and for how long: tokens must carry an exp within
// JWT_TTL_SECONDS, a socket is closed when its token runs out unless renewed with auth:refresh,
// and only allowed browser origins may open one (polling or websocket).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { parseConfig } from '@lc/kit';
import { nowSeconds, signToken } from '../../../test-support/tokens.js';
import { configShape } from '../src/config.js';
import { ask, next, sleep, startPlatform, type Platform } from './harness.js';

const TTL = 600;

describe('socket trust', () => {
  let p: Platform;
  let url: string;
  let secret: string;
  const opened: Socket[] = [];

  before(async () => {
    p = await startPlatform({ env: { JWT_TTL_SECONDS: String(TTL), CORS_ORIGINS: 'https://shop.example.com,http://127.0.0.1:8080' } });
    url = p.pods[0]!.url;
    secret = parseConfig(configShape, p.iso.env('live-room')).JWT_SECRET;
  });
  after(async () => {
    for (const s of opened) s.disconnect();
    await p.stop();
  });

  const token = (sub: string, lifeSeconds: number | undefined, extra: Record<string, unknown> = {}) =>
    signToken(secret, { sub, role: 'buyer', iat: nowSeconds(), ...(lifeSeconds === undefined ? {} : { exp: nowSeconds() + lifeSeconds }), ...extra });

  function open(auth: string, opts: { origin?: string; transport?: 'websocket' | 'polling' } = {}): Socket {
    const s = connect(url, {
      path: '/socket.io',
      auth: { token: auth },
      transports: [opts.transport ?? 'websocket'],
      reconnection: false,
      ...(opts.origin ? { extraHeaders: { origin: opts.origin } } : {}),
    });
    opened.push(s);
    return s;
  }

  function outcome(s: Socket): Promise<{ connected: true } | { connected: false; message: string; data?: { code?: string; message?: string } }> {
    return new Promise((resolve) => {
      s.once('connect', () => resolve({ connected: true }));
      s.once('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => resolve({ connected: false, message: err.message, ...(err.data ? { data: err.data } : {}) }));
    });
  }

  it('socket auth - a correctly signed token without exp is refused at the handshake', async () => {
    const r = await outcome(open(await token('buyer-501', undefined)));
    assert.ok(!r.connected);
    assert.equal(r.data?.code, 'UNAUTHENTICATED');
    assert.match(r.data?.message ?? '', /no exp/);
  });

  it('socket auth - a token living longer than JWT_TTL_SECONDS is refused, whether by exp or by a future iat', async () => {
    const tooLong = await outcome(open(await token('buyer-502', TTL + 3600)));
    assert.ok(!tooLong.connected && /longer than 600 s/.test(tooLong.data?.message ?? ''), JSON.stringify(tooLong));
    const fromThePast = await outcome(open(await token('buyer-502', 60, { iat: nowSeconds() - 2 * TTL })));
    assert.ok(!fromThePast.connected, 'exp - iat beyond the TTL');
    const fromTheFuture = await outcome(open(await token('buyer-502', 3 * TTL, { iat: nowSeconds() + 2 * TTL })));
    assert.ok(!fromTheFuture.connected, 'an iat in the future');
    const wrongKey = await outcome(open(await signToken('x'.repeat(40), { sub: 'buyer-502', role: 'buyer', exp: nowSeconds() + 60 })));
    assert.ok(!wrongKey.connected);
    // The control: the same claims with a life within the TTL connect.
    assert.ok((await outcome(open(await token('buyer-502', TTL)))).connected);
  });

  it('socket expiry - a socket whose 2-second token runs out gets auth:expired and is disconnected', async () => {
    const expMs = (nowSeconds() + 2) * 1000;
    const s = open(await signToken(secret, { sub: 'buyer-503', role: 'buyer', iat: nowSeconds(), exp: expMs / 1000 }));
    assert.ok((await outcome(s)).connected);
    const expired = next(s, 'auth:expired', () => true, 6000);
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    assert.equal((await expired).code, 'UNAUTHENTICATED');
    assert.ok(Date.now() >= expMs - 20, 'not before the token ran out');
    assert.equal(await closed, 'io server disconnect');
  });

  it('socket expiry - a socket that refreshes its token stays connected past the first expiry, until the new one runs out', async () => {
    const sessionId = await p.liveSession('leader-1');
    const s = open(await token('buyer-504', 2));
    assert.ok((await outcome(s)).connected);
    assert.ok((await ask(s, 'session:join', { sessionId })).ok);
    let expiredAtMs = 0;
    s.on('auth:expired', () => (expiredAtMs = Date.now()));
    await sleep(1000);
    // Someone else's token, a token without exp and garbage are refused and change nothing.
    const other = await ask(s, 'auth:refresh', { token: await token('buyer-999', 60) });
    assert.deepEqual([other.ok, !other.ok && other.code], [false, 'FORBIDDEN']);
    const noExp = await ask(s, 'auth:refresh', { token: await token('buyer-504', undefined) });
    assert.deepEqual([noExp.ok, !noExp.ok && noExp.code], [false, 'UNAUTHENTICATED']);
    const bad = await ask(s, 'auth:refresh', { token: 42 });
    assert.deepEqual([bad.ok, !bad.ok && bad.code], [false, 'INVALID_ARGUMENT']);
    const refreshed = await ask(s, 'auth:refresh', { token: await token('buyer-504', 4) });
    assert.ok(refreshed.ok, JSON.stringify(refreshed));
    await sleep(2500); // past the first token's exp
    assert.ok(s.connected && expiredAtMs === 0, 'still connected after the first token expired');
    assert.ok((await ask(s, 'chat:send', { text: 'still here' })).ok);
    const closed = new Promise<string>((resolve) => s.once('disconnect', resolve));
    assert.equal(await closed, 'io server disconnect');
    assert.ok(expiredAtMs > 0, 'auth:expired before the disconnect');
  });

  it('socket cors - an allowed origin gets Access-Control-Allow-Origin on the polling handshake; a foreign one is refused without it', async () => {
    const handshake = (origin: string) => fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const allowed = await handshake('https://shop.example.com');
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example.com');
    assert.match(await allowed.text(), /"sid"/);
    const foreign = await handshake('https://evil.example');
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.doesNotMatch(await foreign.text(), /"sid"/);
    const preflight = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('socket cors - a websocket from a foreign origin is refused; from an allowed one (or with no Origin, not a browser) it connects', async () => {
    const t = await token('buyer-505', 60);
    assert.ok(!(await outcome(open(t, { origin: 'https://evil.example' }))).connected);
    assert.ok(!(await outcome(open(t, { origin: 'http://localhost:8080' }))).connected, 'not in this pod’s list');
    assert.ok((await outcome(open(t, { origin: 'https://shop.example.com' }))).connected);
    assert.ok((await outcome(open(t, { origin: 'http://127.0.0.1:8080', transport: 'polling' }))).connected);
    assert.ok((await outcome(open(t))).connected);
  });

  it('production - live-room does not start without CORS_ORIGINS, naming it', async () => {
    assert.throws(() => parseConfig(configShape, { ...p.iso.env('live-room'), NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), MEDIA_ENABLED: 'false' }), /CORS_ORIGINS: must be set in production/);
  });
});
