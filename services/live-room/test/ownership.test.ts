// Ownership over every socket event of the live room: each event is sent by a foreign owner (leader-2
// in leader-1's session, leader-1 with leader-2's product or pool, a buyer on another buyer's
// order) and by roles with no business there; each is refused and leaves Postgres and the room's
// Redis state as they were. An event the server registers but the table lacks fails the walk.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { DATABASE_URL, REDIS_URL } from '../../../test-support/isolation.js';
import { ask, next, sleep, startPlatform, type Platform } from './harness.js';

type Fixture = Record<'session1' | 'session2' | 'product1' | 'product2' | 'sku1' | 'sku2' | 'sale1' | 'sale2' | 'order1' | 'message1' | 'leader1Token', string>;

interface Row {
  event: string;
  who: string;
  payload: (f: Fixture) => unknown;
  /** Refusal codes accepted. */
  refused: string[];
  why: string;
}

const later = { countdownSeconds: 0, durationSeconds: 600 };
const terms = (f: Fixture, over: Record<string, unknown> = {}) => ({ skuId: f.sku1, warehouseId: 'wh-1', salePriceFen: 990, quantity: 1, ...later, ...over });

// Every socket below has joined leader-1's session (session1) unless its user is `outsider-*`.
const TABLE: Row[] = [
  { event: 'session:join', who: 'buyer-2', payload: () => ({ sessionId: '00000000-0000-4000-8000-000000000000' }), refused: ['NOT_FOUND'], why: 'no such session' },
  { event: 'session:leave', who: 'outsider-buyer-3', payload: () => ({}), refused: [], why: 'leaving is one’s own: nothing else changes' },
  { event: 'chat:send', who: 'buyer-2', payload: () => ({ text: '我被禁言了 I am muted' }), refused: ['MUTED'], why: 'muted by the host' },
  { event: 'chat:send', who: 'outsider-buyer-3', payload: () => ({ text: 'hi' }), refused: ['NOT_JOINED'], why: 'not in the session' },
  { event: 'chat:delete', who: 'leader-2', payload: (f) => ({ messageId: f.message1 }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'chat:delete', who: 'buyer-2', payload: (f) => ({ messageId: f.message1 }), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'chat:mute', who: 'leader-2', payload: () => ({ userId: 'buyer-1', minutes: 5 }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'chat:mute', who: 'buyer-1', payload: () => ({ userId: 'buyer-2', minutes: 5 }), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'chat:unmute', who: 'leader-2', payload: () => ({ userId: 'buyer-2' }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'chat:unmute', who: 'buyer-1', payload: () => ({ userId: 'buyer-2' }), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'product:pin', who: 'leader-2', payload: (f) => ({ productId: f.product2 }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'product:pin', who: 'leader-1', payload: (f) => ({ productId: f.product2 }), refused: ['FORBIDDEN'], why: 'leader-2’s product' },
  { event: 'product:pin', who: 'buyer-1', payload: (f) => ({ productId: f.product1 }), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'product:unpin', who: 'leader-2', payload: () => ({}), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'product:unpin', who: 'warehouse-1', payload: () => ({}), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'sale:start', who: 'leader-2', payload: (f) => ({ flashSaleId: f.sale2 }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'sale:start', who: 'leader-1', payload: (f) => ({ flashSaleId: f.sale2 }), refused: ['FORBIDDEN'], why: 'leader-2’s pool' },
  { event: 'sale:start', who: 'leader-1', payload: (f) => terms(f, { skuId: f.sku2 }), refused: ['FORBIDDEN'], why: 'a pool of leader-2’s SKU' },
  { event: 'sale:start', who: 'leader-1', payload: (f) => terms(f, { salePriceFen: 0 }), refused: ['INVALID_ARGUMENT'], why: 'price 0' },
  { event: 'sale:start', who: 'leader-1', payload: (f) => terms(f, { salePriceFen: 5991 }), refused: ['INVALID_ARGUMENT'], why: 'above the list price' },
  { event: 'sale:start', who: 'buyer-1', payload: (f) => terms(f), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'sale:end', who: 'leader-2', payload: () => ({}), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'sale:end', who: 'buyer-1', payload: () => ({}), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'order:place', who: 'leader-1', payload: (f) => ({ flashSaleId: f.sale1, qty: 1, idempotencyKey: 'x' }), refused: ['FORBIDDEN'], why: 'buyers place orders' },
  { event: 'order:place', who: 'warehouse-1', payload: (f) => ({ flashSaleId: f.sale1, qty: 1, idempotencyKey: 'x' }), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'order:place', who: 'buyer-2', payload: (f) => ({ flashSaleId: f.sale2, qty: 1, idempotencyKey: 'x' }), refused: ['INVALID_STATE'], why: 'a pool not running in this session' },
  { event: 'order:pay', who: 'buyer-2', payload: (f) => ({ orderId: f.order1 }), refused: ['NOT_FOUND', 'NOT_YOUR_ORDER', 'FORBIDDEN'], why: 'buyer-1’s order' },
  { event: 'order:pay', who: 'leader-1', payload: (f) => ({ orderId: f.order1 }), refused: ['FORBIDDEN'], why: 'role' },
  { event: 'auth:refresh', who: 'buyer-2', payload: (f) => ({ token: f.leader1Token }), refused: ['FORBIDDEN'], why: 'another user’s token' },
  { event: 'media:rtpCapabilities', who: 'outsider-buyer-4', payload: () => ({}), refused: ['NOT_JOINED'], why: 'not in the session' },
  { event: 'media:createTransport', who: 'buyer-1', payload: () => ({ direction: 'send' }), refused: ['FORBIDDEN'], why: 'only the host sends media' },
  { event: 'media:createTransport', who: 'leader-2', payload: () => ({ direction: 'send' }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'media:connectTransport', who: 'outsider-buyer-4', payload: () => ({ transportId: 'x', dtlsParameters: {} }), refused: ['NOT_JOINED'], why: 'not in the session' },
  { event: 'media:produce', who: 'buyer-1', payload: () => ({ transportId: 'x', kind: 'video', rtpParameters: {} }), refused: ['FORBIDDEN'], why: 'only the host sends media' },
  { event: 'media:produce', who: 'leader-2', payload: () => ({ transportId: 'x', kind: 'video', rtpParameters: {} }), refused: ['FORBIDDEN'], why: 'not this session’s host' },
  { event: 'media:producers', who: 'outsider-buyer-4', payload: () => ({}), refused: ['NOT_JOINED'], why: 'not in the session' },
  { event: 'media:consume', who: 'outsider-buyer-4', payload: () => ({ transportId: 'x', producerId: 'y', rtpCapabilities: {} }), refused: ['NOT_JOINED'], why: 'not in the session' },
  { event: 'media:resumeConsumer', who: 'outsider-buyer-4', payload: () => ({ consumerId: 'x' }), refused: ['NOT_JOINED'], why: 'not in the session' },
];

/** Postgres rows of the test's schemas and the room's Redis state (presence and rate buckets aside). */
async function fingerprint(db: pg.Client, redis: Redis, schemas: string[], prefix: string): Promise<Record<string, string>> {
  const digest = (rows: string[]) => createHash('sha1').update(rows.sort().join('\n')).digest('hex').slice(0, 12) + `/${rows.length}`;
  const out: Record<string, string> = {};
  const { rows: tables } = await db.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'
       AND table_name !~ '(outbox|migrations|inbox|processed)'`,
    [schemas],
  );
  for (const t of tables) out[`${t.table_schema}.${t.table_name}`] = digest((await db.query<{ r: string }>(`SELECT t::text AS r FROM "${t.table_schema}"."${t.table_name}" t`)).rows.map((r) => r.r));
  // Rate buckets count refused attempts too, on purpose: they are not state an attempt may not change.
  // Connection claims are presence, refreshed on a timer (a slow walk sees their scores move).
  const keys = (await redis.keys(`${prefix}*`)).filter((k) => !/:(viewers|media-owner|chat-rate|rate|connections)\b|:rate:|order-rate:|bucket/.test(k)).sort();
  for (const k of keys) {
    const type = await redis.type(k);
    const value =
      type === 'string' ? [String(await redis.get(k))]
      : type === 'list' ? await redis.lrange(k, 0, -1)
      : type === 'hash' ? Object.entries(await redis.hgetall(k)).map(([a, b]) => `${a}=${b}`)
      : type === 'set' ? await redis.smembers(k)
      : type === 'zset' ? await redis.zrange(k, 0, -1, 'WITHSCORES')
      : [type];
    out[`redis ${k.slice(prefix.length)}`] = digest(value);
  }
  return out;
}

describe('live room ownership', { timeout: 120_000 }, () => {
  let p: Platform;
  let db: pg.Client;
  let redis: Redis;
  const f = {} as Fixture;
  const sockets = new Map<string, Socket>();

  before(async () => {
    p = await startPlatform();
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    redis = new Redis(REDIS_URL);
    f.session1 = await p.liveSession('leader-1');
    f.leader1Token = await p.token('leader-1');
    f.session2 = await p.liveSession('leader-2');
    const leader1 = await Api.login(p.core.url, 'leader-1');
    ({ skuId: f.sku1, productId: f.product1 } = await createFlashSale(leader1, { quantity: 1, perBuyerLimit: 1, stock: 100 }));
    const theirs = await createFlashSale(await Api.login(p.core.url, 'leader-2'), { quantity: 1, perBuyerLimit: 1, stock: 10, warehouseId: 'wh-2' });
    Object.assign(f, { sku2: theirs.skuId, product2: theirs.productId, sale2: theirs.flashSaleId });

    for (const who of ['leader-1', 'leader-2', 'buyer-1', 'buyer-2', 'warehouse-1', 'outsider-buyer-3', 'outsider-buyer-4']) {
      const socket = await p.socket(who.replace(/^outsider-/, ''));
      sockets.set(who, socket);
      if (!who.startsWith('outsider-')) assert.ok((await ask(socket, 'session:join', { sessionId: f.session1 })).ok, who);
    }
    const host = sockets.get('leader-1')!;
    // The host runs leader-1's pool in session1; buyer-1 holds an order from it; buyer-2 is muted.
    const started = await ask(host, 'sale:start', terms(f, { quantity: 5, perBuyerLimit: 2 }));
    assert.ok(started.ok, JSON.stringify(started));
    f.sale1 = started.data.sale.id;
    const placed = await ask(sockets.get('buyer-1')!, 'order:place', { flashSaleId: f.sale1, qty: 1, idempotencyKey: 'b1' });
    assert.ok(placed.ok, JSON.stringify(placed));
    f.order1 = placed.data.order.id;
    const said = await ask(sockets.get('buyer-1')!, 'chat:send', { text: '你好 hello' });
    assert.ok(said.ok, JSON.stringify(said));
    f.message1 = said.data.message.id;
    assert.ok((await ask(host, 'chat:mute', { userId: 'buyer-2', minutes: 30, reason: '刷屏 spam' })).ok);
    assert.ok((await ask(host, 'product:pin', { productId: f.product1 })).ok, 'the host pins their own product');
  });

  after(async () => {
    redis?.disconnect();
    await db?.end();
    await p?.stop();
  });

  it('ownership - the table names every socket event the server registers', async () => {
    const [serverSide] = (await p.pods[0]!.io.fetchSockets()).map((s) => p.pods[0]!.io.sockets.sockets.get(s.id)!);
    const registered = serverSide!.eventNames().map(String).filter((e) => !['disconnect', 'disconnecting', 'error'].includes(e));
    assert.ok(registered.length >= 10, `the event listing was read (${registered.join(', ')})`);
    const listed = new Set(TABLE.map((r) => r.event));
    assert.deepEqual(registered.filter((e) => !listed.has(e)), [], 'events without ownership rows');
    assert.deepEqual([...listed].filter((e) => !registered.includes(e)), [], 'rows for events that no longer exist');
  });

  it('ownership - foreign owners and other roles are refused on every socket event and change nothing', async () => {
    const schemas = ['inventory', 'order', 'live-room'].map((s) => p.iso.env(s).DB_SCHEMA!);
    const failures: string[] = [];
    for (const row of TABLE) {
      const before = await fingerprint(db, redis, schemas, `${p.iso.id}:`);
      const ack = await ask(sockets.get(row.who)!, row.event, row.payload(f));
      await sleep(20);
      const afterwards = await fingerprint(db, redis, schemas, `${p.iso.id}:`);
      const label = `${row.event} by ${row.who} (${row.why})`;
      if (row.refused.length === 0 ? !ack.ok : ack.ok || !row.refused.includes(ack.code)) failures.push(`${label}: ${JSON.stringify(ack).slice(0, 200)}`);
      const changed = Object.keys({ ...before, ...afterwards }).filter((k) => before[k] !== afterwards[k]);
      if (changed.length) failures.push(`${label}: changed ${changed.join(', ')}`);
    }
    assert.deepEqual(failures, []);
  });

  it('ownership - the host and the buyer themselves may do what the others were refused', async () => {
    const host = sockets.get('leader-1')!;
    const ended = next(sockets.get('buyer-1')!, 'sale:ended');
    assert.ok((await ask(host, 'sale:end', {})).ok);
    await ended;
    assert.ok((await ask(host, 'chat:unmute', { userId: 'buyer-2' })).ok);
    assert.ok((await ask(host, 'chat:delete', { messageId: f.message1 })).ok);
    const paid = await ask(sockets.get('buyer-1')!, 'order:pay', { orderId: f.order1 });
    assert.ok(paid.ok, JSON.stringify(paid));
  });
});
