// Sign-out reaches the live room: tokens a sign-out revoked at the gateway are refused at the
// socket handshake and at auth:refresh, and the sockets opened with them are closed (on every pod,
// which hears the revocation on NATS), while the user's other sessions stay connected.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { io as connect, type Socket } from 'socket.io-client';
import { Api } from '../../../test-support/api.js';
import { ask, next, startPlatform, type Platform } from './harness.js';

describe('live room sign-out', { timeout: 180_000 }, () => {
  let p: Platform;
  const opened: Socket[] = [];

  before(async () => {
    p = await startPlatform({ pods: 2 });
  });
  after(async () => {
    for (const s of opened) s.disconnect();
    await p.stop();
  });

  async function phoneSignIn(phone: string): Promise<{ token: string; refreshToken: string }> {
    const api = new Api(p.core.url);
    assert.equal((await api.post('/api/v1/auth/codes', { phone })).status, 200);
    const inbox = await api.get(`/api/v1/auth/dev-inbox?phone=${phone}`);
    const code = /\b([0-9]{6})\b/.exec(inbox.body.messages[0].body)![1];
    const r = await api.post('/api/v1/auth/sign-in', { phone, code });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }

  async function open(token: string, pod: number): Promise<Socket> {
    const s = connect(p.pods[pod]!.url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    opened.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
    return s;
  }

  function refusal(token: string, pod: number): Promise<string> {
    const s = connect(p.pods[pod]!.url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    opened.push(s);
    return new Promise((resolve, reject) => {
      s.once('connect', () => reject(new Error('a revoked token opened a socket')));
      s.once('connect_error', (err: Error & { data?: { message?: string } }) => resolve(err.data?.message ?? err.message));
    });
  }

  it('sign-out - signing out one session closes its sockets on both pods; the other session stays; "everywhere" closes the rest and refuses the old tokens', async () => {
    const phone = `136${String(Date.now()).slice(-8)}`;
    const leaving = await phoneSignIn(phone);
    const staying = await phoneSignIn(phone);
    const leavingSockets = [await open(leaving.token, 0), await open(leaving.token, 1)];
    const stayingSockets = [await open(staying.token, 0), await open(staying.token, 1)];

    const closed = leavingSockets.map((s) => next<{ code: string }>(s, 'auth:expired'));
    const out = await new Api(p.core.url, leaving.token).post('/api/v1/auth/sign-out', {});
    assert.equal(out.status, 200);
    for (const c of await Promise.all(closed)) assert.equal(c.code, 'UNAUTHENTICATED');
    assert.match(await refusal(leaving.token, 1), /revoked/);
    assert.ok(stayingSockets.every((s) => s.connected), 'the other session is not signed out');
    // Renewing a socket with a revoked token is refused too.
    const renew = await ask(stayingSockets[0]!, 'auth:refresh', { token: leaving.token });
    assert.equal(renew.ok, false);
    assert.match(String(renew.message), /revoked/);

    const closedToo = stayingSockets.map((s) => next<{ code: string }>(s, 'auth:expired'));
    assert.equal((await new Api(p.core.url, staying.token).post('/api/v1/auth/sign-out', { everywhere: true })).status, 200);
    await Promise.all(closedToo);
    assert.match(await refusal(staying.token, 0), /revoked/);
    // A new sign-in connects at once.
    const again = await phoneSignIn(phone);
    assert.ok((await open(again.token, 1)).connected);
  });
});
