// Checks the hand-written socket.io/engine.io framing the k6 script uses against a real
// socket.io server (a plain WebSocket speaking those frames), and the teardown's oversell check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import { once } from 'node:events';
import { Server } from 'socket.io';
import WebSocket from 'ws';
// @ts-expect-error plain ES module shared with k6, no type declarations
import { connectFrame, eventFrame, parseFrame, pongFrame, socketUrl } from '../lib/socketio-frames.js';
// @ts-expect-error plain ES module shared with k6, no type declarations
import { classifyPlaceAck, oversellProblems } from '../lib/flash-sale-checks.js';

describe('k6 socket.io framing', () => {
  let http: HttpServer;
  let io: Server;
  let base: string;

  before(async () => {
    http = createServer();
    io = new Server(http, { path: '/socket.io', pingInterval: 300, pingTimeout: 2000 });
    io.use((socket, next) => (socket.handshake.auth.token === 'good' ? next() : next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }))));
    io.on('connection', (socket) => {
      socket.on('echo', (payload: unknown, ack: (a: unknown) => void) => ack({ ok: true, data: payload }));
      socket.on('push', () => socket.emit('pushed', { n: 1, text: '秒杀' }));
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  });
  after(async () => {
    io.close();
  });

  function open(token: string) {
    const socket = new WebSocket(socketUrl(base));
    const frames: ReturnType<typeof parseFrame>[] = [];
    const waiters: (() => void)[] = [];
    socket.on('message', (data) => {
      const f = parseFrame(String(data));
      if (f.kind === 'open') socket.send(connectFrame({ token }));
      if (f.kind === 'ping') socket.send(pongFrame());
      frames.push(f);
      for (const w of waiters.splice(0)) w();
    });
    const until = async (pred: (f: ReturnType<typeof parseFrame>) => boolean) => {
      for (;;) {
        const hit = frames.find(pred);
        if (hit) return hit;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    return { socket, frames, until };
  }

  it('frames - connect, event with ack, server event and heartbeats work against socket.io', async () => {
    const c = open('good');
    const connected = await c.until((f) => f.kind === 'connect');
    assert.equal(typeof connected.sid, 'string');
    c.socket.send(eventFrame('echo', { flashSaleId: 'x', qty: 1 }, 7));
    const ack = await c.until((f) => f.kind === 'ack');
    assert.deepEqual(ack, { kind: 'ack', ackId: 7, args: [{ ok: true, data: { flashSaleId: 'x', qty: 1 } }] });
    c.socket.send(eventFrame('push'));
    const ev = await c.until((f) => f.kind === 'event');
    assert.deepEqual(ev, { kind: 'event', event: 'pushed', args: [{ n: 1, text: '秒杀' }], ackId: undefined });
    // Survives several ping intervals only if our pongs are right.
    await new Promise((r) => setTimeout(r, 1200));
    assert.ok(c.frames.filter((f) => f.kind === 'ping').length >= 2);
    assert.equal(c.socket.readyState, WebSocket.OPEN);
    c.socket.close();
  });

  it('frames - a refused handshake parses as connect_error', async () => {
    const c = open('bad');
    const err = await c.until((f) => f.kind === 'connect_error');
    assert.equal(err.error.message, 'UNAUTHENTICATED');
    c.socket.close();
  });

  it('teardown - oversell is detected and legitimate outcomes pass', () => {
    assert.deepEqual(oversellProblems({ quantity: 10, held: 3, sold: 7, available: 0 }), []);
    assert.match(oversellProblems({ quantity: 10, held: 4, sold: 7, available: 0 })[0], /oversold/);
    assert.equal(classifyPlaceAck({ ok: true, data: { order: { id: 'o1' } } }), 'ordered');
    assert.equal(classifyPlaceAck({ ok: false, code: 'SOLD_OUT', message: '' }), 'refused');
    assert.equal(classifyPlaceAck({ ok: false, code: 'INTERNAL', message: '' }), 'unexpected');
  });
});
