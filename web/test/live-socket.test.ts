// The web app's live-room client (web/src/live-socket.ts) against a real live-room pod, run in
// node (it needs nothing from the DOM): it renews its token before the server would close the
// socket, and when it could not, it comes back with a fresh token after auth:expired.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '@lc/kit';
import { nowSeconds, signToken } from '../../test-support/tokens.js';
import { configShape } from '../../services/live-room/src/config.js';
import { sleep, startPlatform, type Platform } from '../../services/live-room/test/harness.js';
import { LiveSocket } from '../src/live-socket.js';

describe('web live socket', () => {
  let p: Platform;
  let secret: string;
  const sockets: LiveSocket[] = [];

  before(async () => {
    p = await startPlatform();
    secret = parseConfig(configShape, p.iso.env('live-room')).JWT_SECRET;
  });
  after(async () => {
    for (const s of sockets) s.socket.disconnect();
    await p.stop();
  });

  const shortToken = (sub: string, seconds: number) => signToken(secret, { sub, role: 'buyer', name: sub, iat: nowSeconds(), exp: nowSeconds() + seconds });

  it('token renewal - a socket opened with a 2-second token renews it and stays connected past its expiry', async () => {
    let issued = 0;
    const live = await LiveSocket.connect(p.pods[0]!.url, await shortToken('buyer-601', 2), async () => {
      issued++;
      return shortToken('buyer-601', 3);
    });
    sockets.push(live);
    let expired = false;
    live.on('auth:expired', () => (expired = true));
    const sessionId = await p.liveSession('leader-1');
    await live.request('session:join', { sessionId });
    await sleep(5000);
    assert.ok(live.connected && !expired, 'still connected, never expired');
    assert.ok(issued >= 2, `renewed ${issued} times`);
    await live.request('chat:send', { text: 'still here' });
  });

  it('token renewal - when renewal fails until the token ran out, the socket reconnects with a fresh token and rejoins', async () => {
    let failing = true;
    const live = await LiveSocket.connect(p.pods[0]!.url, await shortToken('buyer-602', 2), async () => {
      if (failing) throw new Error('offline');
      return shortToken('buyer-602', 60);
    });
    sockets.push(live);
    const expired = new Promise<void>((resolve) => live.on('auth:expired', () => resolve()));
    const reconnected = new Promise<void>((resolve) => live.onReconnect(resolve));
    await expired;
    failing = false;
    await reconnected;
    assert.ok(live.connected);
    const sessionId = await p.liveSession('leader-1');
    await live.request('session:join', { sessionId });
  });
});
