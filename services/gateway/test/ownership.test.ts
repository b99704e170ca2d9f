// Ownership over every REST route: each route is walked with a foreign owner (leader-2 on
// leader-1's things, the second warehouse's staff, driver-2 on driver-1's route, a buyer on another
// buyer's order) and with roles that have no business there; each must be refused (401/403/404,
// or 400 for bad terms) and leave every table as it was. A route registered with fastify but
// missing from the table fails the walk, so a new route cannot skip it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { parseConfig } from '@lc/kit';
import { Api, createFlashSale, servedLeader, stockProduct } from '../../../test-support/api.js';
import { DATABASE_URL, isolate } from '../../../test-support/isolation.js';
import { freePort, startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';
import { configShape as liveRoomShape } from '../../live-room/src/config.js';
import { startLiveRoom } from '../../live-room/src/service.js';

type Core = Awaited<ReturnType<typeof startCore>>;
type Fixture = Record<'sku1' | 'sku2' | 'product1' | 'sale1' | 'session1' | 'session2' | 'proposal1' | 'paidOrder' | 'openOrder' | 'wave' | 'bag' | 'plan' | 'route' | 'stop' | 'notice1' | 'case1' | 'photo1' | 'groupBuy1', string>;
// A real 1×1 PNG, for the after-sales request in the fixture.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Every route fastify knows under /api/, as "METHOD /path", read from its route listing. */
function registeredRoutes(listing: string): string[] {
  const found: string[] = [];
  const prefixes: string[] = [];
  for (const line of listing.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S*)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + m[2];
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) if (method !== 'HEAD' && path.startsWith('/api/')) found.push(`${method} ${path}`);
  }
  return found;
}

/**
 * A digest of every row of every domain table in the test's schemas. Outboxes and migrations aside,
 * and the log of evaluated pickup codes: a refused guess is still an attempt, counted on purpose.
 */
async function fingerprint(db: pg.Client, schemas: string[]): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'
       AND table_name !~ '(outbox|migrations|inbox|processed|pickup_code_attempts)' ORDER BY 1, 2`,
    [schemas],
  );
  const out: Record<string, string> = {};
  for (const t of tables) {
    const { rows } = await db.query<{ r: string }>(`SELECT t::text AS r FROM "${t.table_schema}"."${t.table_name}" t`);
    out[`${t.table_schema.replace(/^t[0-9a-f]+_/, '')}.${t.table_name}`] = createHash('sha1').update(rows.map((r) => r.r).sort().join('\n')).digest('hex').slice(0, 12) + `/${rows.length}`;
  }
  return out;
}

interface Row {
  route: string;
  who: string | null;
  /** Path parameters and bodies may name fixture things. */
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  expect: number[];
  /** For reads that answer 200 but must show none of the owner's things. */
  shows?: (body: any, f: Fixture) => void;
  why: string;
}

const FOREIGN = [403, 404];
const later = () => new Date(Date.now() + 3600_000).toISOString();
const sale = (f: Fixture, over: Record<string, unknown> = {}) => ({ skuId: f.sku1, warehouseId: 'wh-1', salePriceFen: 990, quantity: 1, endsAt: later(), ...over });
const groupBuy = (f: Fixture, over: Record<string, unknown> = {}) => ({ title: '拼团', skuId: f.sku1, warehouseId: 'wh-1', priceFen: 990, stockCap: 5, minQty: 2, cutoffAt: later(), ...over });

// One or more rows per route. `who: null` is a request without a token.
const TABLE: Row[] = [
  { route: 'POST /api/v1/auth/dev-login', who: null, path: () => '/api/v1/auth/dev-login', body: () => ({ userId: 'warehouse-9' }), expect: [404], why: 'no such user' },
  { route: 'GET /api/v1/me', who: null, path: () => '/api/v1/me', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/config', who: null, path: () => '/api/v1/config', expect: [200], shows: (b) => assert.ok(Object.keys(b).every((k) => k === 'liveRoomUrl')), why: 'public: where the live room is, nothing else' },
  { route: 'GET /api/v1/auth/options', who: null, path: () => '/api/v1/auth/options', expect: [200], shows: (b) => assert.deepEqual(Object.keys(b).sort(), ['devInbox', 'devLogin', 'phone']), why: 'public: how to sign in, nothing else' },
  { route: 'POST /api/v1/auth/codes', who: null, path: () => '/api/v1/auth/codes', body: () => ({ phone: '12345' }), expect: [400], why: 'a malformed phone' },
  { route: 'POST /api/v1/auth/sign-in', who: null, path: () => '/api/v1/auth/sign-in', body: () => ({ phone: '13800000001', code: '000000' }), expect: [400], why: 'leader-1’s phone without a code sent' },
  { route: 'POST /api/v1/auth/sign-in', who: 'buyer-2', path: () => '/api/v1/auth/sign-in', body: () => ({ phone: '13800000099', code: '123456' }), expect: [400], why: 'a buyer at the admin’s phone' },
  { route: 'POST /api/v1/auth/refresh', who: null, path: () => '/api/v1/auth/refresh', body: () => ({ refreshToken: 'A'.repeat(43) }), expect: [401], why: 'an unknown refresh token' },
  { route: 'POST /api/v1/auth/sign-out', who: null, path: () => '/api/v1/auth/sign-out', body: () => ({ everywhere: true }), expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/auth/dev-inbox', who: null, path: () => '/api/v1/auth/dev-inbox?phone=12', expect: [400], why: 'a malformed phone' },
  { route: 'POST /api/v1/admin/users', who: null, path: () => '/api/v1/admin/users', body: () => ({ phone: '13900000001', role: 'admin', name: 'x' }), expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/admin/users', who: 'leader-1', path: () => '/api/v1/admin/users', body: () => ({ phone: '13900000001', role: 'admin', name: 'x' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/users', who: 'warehouse-1', path: () => '/api/v1/admin/users', body: () => ({ phone: '13900000001', role: 'driver', name: 'x' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/users', who: 'buyer-2', path: () => '/api/v1/admin/users', body: () => ({ phone: '13900000001', role: 'leader', name: 'x' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/users', who: 'admin-1', path: () => '/api/v1/admin/users', body: () => ({ phone: '13800000001', role: 'admin', name: 'x' }), expect: [409], why: 'leader-1’s phone' },

  { route: 'GET /api/v1/products', who: null, path: () => '/api/v1/products', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/products/:id', who: null, path: (f) => `/api/v1/products/${f.product1}`, expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/products', who: 'leader-1', path: () => '/api/v1/products', body: () => ({ name: 'x', ownerLeaderId: 'leader-1', warehouseId: 'wh-1', skus: [{ name: 'a', listPriceFen: 1 }] }), expect: [403], why: 'leaders propose, staff create' },
  { route: 'POST /api/v1/products', who: 'warehouse-2', path: () => '/api/v1/products', body: () => ({ name: 'x', ownerLeaderId: 'leader-1', warehouseId: 'wh-1', skus: [{ name: 'a', listPriceFen: 1 }] }), expect: [403], why: 'another warehouse' },
  { route: 'POST /api/v1/products', who: 'warehouse-2', path: () => '/api/v1/products', body: () => ({ name: 'x', ownerLeaderId: 'leader-1', skus: [{ name: 'a', listPriceFen: 1 }] }), expect: [403], why: 'a leader wh-2 does not serve' },
  { route: 'POST /api/v1/products', who: 'buyer-2', path: () => '/api/v1/products', body: () => ({ name: 'x', ownerLeaderId: 'leader-1', skus: [{ name: 'a', listPriceFen: 1 }] }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-2', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { salePriceFen: 0 }), expect: [400, 403], why: 'the issue: leader-2, leader-1’s SKU, price 0' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-2', path: () => '/api/v1/flash-sales', body: (f) => sale(f), expect: [403], why: 'leader-1’s SKU, leader-1’s warehouse' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-2', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { warehouseId: 'wh-2' }), expect: [403], why: 'leader-1’s SKU in leader-2’s warehouse' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { skuId: f.sku2 }), expect: [403], why: 'leader-2’s SKU' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { warehouseId: 'wh-2' }), expect: [403], why: 'a warehouse not serving leader-1' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { liveSessionId: f.session2 }), expect: [403], why: 'leader-2’s live session' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { salePriceFen: 0 }), expect: [400], why: 'price 0' },
  { route: 'POST /api/v1/flash-sales', who: 'leader-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { salePriceFen: 5991 }), expect: [400], why: 'above list price' },
  { route: 'POST /api/v1/flash-sales', who: 'admin-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f, { leaderId: 'leader-2' }), expect: [403], why: 'an operator for a leader who does not own the SKU' },
  { route: 'POST /api/v1/flash-sales', who: 'warehouse-1', path: () => '/api/v1/flash-sales', body: (f) => sale(f), expect: [403], why: 'role' },
  { route: 'POST /api/v1/flash-sales/:id/end', who: 'leader-2', path: (f) => `/api/v1/flash-sales/${f.sale1}/end`, expect: [403], why: 'leader-1’s pool' },
  { route: 'POST /api/v1/flash-sales/:id/end', who: 'buyer-2', path: (f) => `/api/v1/flash-sales/${f.sale1}/end`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/stock', who: 'warehouse-2', path: () => '/api/v1/stock?warehouseId=wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/stock', who: 'buyer-2', path: () => '/api/v1/stock?warehouseId=wh-1', expect: [403], why: 'role' },
  { route: 'GET /api/v1/stock', who: 'leader-2', path: () => '/api/v1/stock?warehouseId=wh-1', expect: [200], shows: (b, f) => assert.ok(!b.levels.some((l: { skuId: string }) => l.skuId === f.sku1)), why: 'only own SKUs' },
  { route: 'GET /api/v1/flash-sales/:id', who: null, path: (f) => `/api/v1/flash-sales/${f.sale1}`, expect: [401], why: 'signed-in only' },

  { route: 'POST /api/v1/product-proposals', who: 'warehouse-1', path: () => '/api/v1/product-proposals', body: () => ({ name: 'x', skus: [{ name: 'a', listPriceFen: 1 }] }), expect: [403], why: 'leaders propose' },
  { route: 'POST /api/v1/product-proposals', who: 'buyer-2', path: () => '/api/v1/product-proposals', body: () => ({ name: 'x', skus: [{ name: 'a', listPriceFen: 1 }] }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/product-proposals', who: 'buyer-2', path: () => '/api/v1/product-proposals', expect: [403], why: 'role' },
  { route: 'GET /api/v1/product-proposals', who: 'warehouse-2', path: () => '/api/v1/product-proposals?warehouseId=wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/product-proposals', who: 'warehouse-2', path: () => '/api/v1/product-proposals', expect: [200], shows: (b, f) => assert.ok(!b.proposals.some((p: { id: string }) => p.id === f.proposal1)), why: 'own warehouse only' },
  { route: 'GET /api/v1/product-proposals', who: 'leader-2', path: () => '/api/v1/product-proposals', expect: [200], shows: (b, f) => assert.ok(!b.proposals.some((p: { id: string }) => p.id === f.proposal1)), why: 'own proposals only' },
  { route: 'POST /api/v1/product-proposals/:id/accept', who: 'warehouse-2', path: (f) => `/api/v1/product-proposals/${f.proposal1}/accept`, expect: FOREIGN, why: 'another warehouse' },
  { route: 'POST /api/v1/product-proposals/:id/accept', who: 'leader-1', path: (f) => `/api/v1/product-proposals/${f.proposal1}/accept`, expect: [403], why: 'a leader does not accept their own' },
  { route: 'POST /api/v1/product-proposals/:id/reject', who: 'warehouse-2', path: (f) => `/api/v1/product-proposals/${f.proposal1}/reject`, body: () => ({ reason: 'no' }), expect: FOREIGN, why: 'another warehouse' },
  { route: 'POST /api/v1/product-proposals/:id/reject', who: 'leader-2', path: (f) => `/api/v1/product-proposals/${f.proposal1}/reject`, body: () => ({ reason: 'no' }), expect: [403], why: 'role' },

  { route: 'GET /api/v1/live-sessions', who: null, path: () => '/api/v1/live-sessions', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/live-sessions/:id', who: null, path: (f) => `/api/v1/live-sessions/${f.session1}`, expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/live-sessions', who: 'buyer-2', path: () => '/api/v1/live-sessions', body: () => ({ title: 'x' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/live-sessions', who: 'warehouse-1', path: () => '/api/v1/live-sessions', body: () => ({ title: 'x' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/live-sessions/:id/start', who: 'leader-2', path: (f) => `/api/v1/live-sessions/${f.session1}/start`, expect: [403], why: 'leader-1’s session' },
  { route: 'POST /api/v1/live-sessions/:id/end', who: 'leader-2', path: (f) => `/api/v1/live-sessions/${f.session1}/end`, expect: [403], why: 'leader-1’s session' },
  { route: 'POST /api/v1/live-sessions/:id/end', who: 'admin-1', path: (f) => `/api/v1/live-sessions/${f.session1}/end`, expect: [403], why: 'not an admin route' },

  { route: 'POST /api/v1/warehouses', who: 'warehouse-2', path: () => '/api/v1/warehouses', body: () => ({ id: 'wh-3', name: 'x', lat: 31, lng: 121, timeZone: 'Asia/Shanghai' }), expect: [403], why: 'staff create only their own' },
  { route: 'POST /api/v1/warehouses', who: 'leader-1', path: () => '/api/v1/warehouses', body: () => ({ id: 'wh-3', name: 'x', lat: 31, lng: 121, timeZone: 'Asia/Shanghai' }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/warehouses/:id', who: 'warehouse-2', path: () => '/api/v1/warehouses/wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/warehouses/:id', who: 'driver-1', path: () => '/api/v1/warehouses/wh-1', expect: [403], why: 'role' },
  { route: 'POST /api/v1/pickup-points', who: 'warehouse-2', path: () => '/api/v1/pickup-points', body: () => ({ id: 'pp-x', warehouseId: 'wh-1', leaderId: 'leader-3', name: 'x', lat: 31, lng: 121 }), expect: [403], why: 'another warehouse' },
  { route: 'POST /api/v1/pickup-points', who: 'leader-3', path: () => '/api/v1/pickup-points', body: () => ({ id: 'pp-x', warehouseId: 'wh-1', leaderId: 'leader-1', name: 'x', lat: 31, lng: 121 }), expect: [403], why: 'for another leader' },
  { route: 'POST /api/v1/pickup-points', who: 'buyer-2', path: () => '/api/v1/pickup-points', body: () => ({ id: 'pp-x', warehouseId: 'wh-1', name: 'x', lat: 31, lng: 121 }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/waves', who: 'warehouse-2', path: () => '/api/v1/waves?warehouseId=wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/waves', who: 'driver-1', path: () => '/api/v1/waves?warehouseId=wh-1', expect: [403], why: 'role' },
  { route: 'POST /api/v1/waves', who: 'warehouse-2', path: () => '/api/v1/waves', body: () => ({ warehouseId: 'wh-1', deliveryDate: '2030-01-01' }), expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/waves/:id/pick-lists', who: 'warehouse-2', path: (f) => `/api/v1/waves/${f.wave}/pick-lists`, expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/waves/:id/pick-lists', who: 'leader-1', path: (f) => `/api/v1/waves/${f.wave}/pick-lists`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/waves/:id/pick-lists.csv', who: 'warehouse-2', path: (f) => `/api/v1/waves/${f.wave}/pick-lists.csv`, expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/waves/:id/pick-lists/print', who: 'warehouse-2', path: (f) => `/api/v1/waves/${f.wave}/pick-lists/print`, expect: [403], why: 'another warehouse' },
  { route: 'POST /api/v1/bags/:id/packed', who: 'warehouse-2', path: (f) => `/api/v1/bags/${f.bag}/packed`, expect: [403], why: 'another warehouse' },
  { route: 'POST /api/v1/bags/:id/packed', who: 'driver-1', path: (f) => `/api/v1/bags/${f.bag}/packed`, expect: [403], why: 'role' },
  { route: 'POST /api/v1/waves/:id/routes', who: 'warehouse-2', path: (f) => `/api/v1/waves/${f.wave}/routes`, body: () => ({ timeLimitMs: 100 }), expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/route-plans/:id', who: 'warehouse-2', path: (f) => `/api/v1/route-plans/${f.plan}`, expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/waves/:id/route-plan', who: 'warehouse-2', path: (f) => `/api/v1/waves/${f.wave}/route-plan`, expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/waves/:id/route-plan', who: 'driver-1', path: (f) => `/api/v1/waves/${f.wave}/route-plan`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/waves/:id/route-plan', who: null, path: (f) => `/api/v1/waves/${f.wave}/route-plan`, expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/route-plans/:id/finish', who: 'warehouse-2', path: (f) => `/api/v1/route-plans/${f.plan}/finish`, expect: [403], why: 'another warehouse' },
  { route: 'POST /api/v1/route-plans/:id/finish', who: 'driver-1', path: (f) => `/api/v1/route-plans/${f.plan}/finish`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/routes/:id', who: 'warehouse-2', path: (f) => `/api/v1/routes/${f.route}`, expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/routes/:id', who: 'driver-2', path: (f) => `/api/v1/routes/${f.route}`, expect: FOREIGN, why: 'driver-1’s route' },
  { route: 'GET /api/v1/routes/:id', who: 'leader-1', path: (f) => `/api/v1/routes/${f.route}`, expect: [403], why: 'role' },
  { route: 'POST /api/v1/routes/:id/dispatch', who: 'warehouse-2', path: (f) => `/api/v1/routes/${f.route}/dispatch`, expect: [403], why: 'another warehouse' },
  { route: 'POST /api/v1/routes/:id/dispatch', who: 'driver-1', path: (f) => `/api/v1/routes/${f.route}/dispatch`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/driver/route', who: 'warehouse-1', path: () => '/api/v1/driver/route', expect: [403], why: 'role' },
  { route: 'GET /api/v1/driver/route', who: 'driver-2', path: () => '/api/v1/driver/route', expect: [200], shows: (b, f) => assert.notEqual(b.route?.id, f.route), why: 'never driver-1’s' },
  { route: 'POST /api/v1/driver/position', who: 'buyer-2', path: () => '/api/v1/driver/position', body: () => ({ lat: 31, lng: 121 }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/driver/position', who: 'driver-2', path: () => '/api/v1/driver/position', body: () => ({ lat: 31, lng: 121 }), expect: [404, 409], why: 'no route of their own to move' },
  { route: 'POST /api/v1/stops/:id/arrived', who: 'driver-2', path: (f) => `/api/v1/stops/${f.stop}/arrived`, expect: FOREIGN, why: 'driver-1’s stop' },
  { route: 'POST /api/v1/stops/:id/arrived', who: 'warehouse-1', path: (f) => `/api/v1/stops/${f.stop}/arrived`, expect: [403], why: 'role' },
  { route: 'POST /api/v1/stops/:id/handed-over', who: 'driver-2', path: (f) => `/api/v1/stops/${f.stop}/handed-over`, expect: FOREIGN, why: 'driver-1’s stop' },
  { route: 'POST /api/v1/pickup-point/receipts/:id', who: 'leader-2', path: (f) => `/api/v1/pickup-point/receipts/${f.stop}`, expect: FOREIGN, why: 'leader-1’s pickup point' },
  { route: 'POST /api/v1/pickup-point/receipts/:id', who: 'driver-1', path: (f) => `/api/v1/pickup-point/receipts/${f.stop}`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/leader/pickup-point/parcels', who: 'warehouse-1', path: () => '/api/v1/leader/pickup-point/parcels', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leader/pickup-point/parcels', who: 'leader-2', path: () => '/api/v1/leader/pickup-point/parcels', expect: [200], shows: (b, f) => assert.ok(!b.parcels.some((p: { id: string }) => p.id === f.bag)), why: 'own pickup point only' },
  { route: 'GET /api/v1/admin/payments/reconciliation', who: null, path: () => '/api/v1/admin/payments/reconciliation', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/admin/payments/reconciliation', who: 'leader-1', path: () => '/api/v1/admin/payments/reconciliation', expect: [403], why: 'admins only' },
  { route: 'GET /api/v1/admin/payments/reconciliation', who: 'warehouse-1', path: () => '/api/v1/admin/payments/reconciliation', expect: [403], why: 'admins only' },
  { route: 'GET /api/v1/admin/payments/reconciliation', who: 'buyer-1', path: () => '/api/v1/admin/payments/reconciliation', expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/pickups/verify', who: 'buyer-2', path: () => '/api/v1/pickups/verify', body: () => ({ code: '123456' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/pickups/verify', who: 'leader-2', path: () => '/api/v1/pickups/verify', body: () => ({ code: '123456' }), expect: [404], why: 'no such parcel at their point' },
  { route: 'GET /api/v1/notifications', who: null, path: () => '/api/v1/notifications', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/notifications', who: 'buyer-2', path: () => '/api/v1/notifications', expect: [200], shows: (b, f) => assert.ok(!b.notifications.some((n: { id: string }) => n.id === f.notice1)), why: 'own inbox only' },
  { route: 'GET /api/v1/notifications/unread-count', who: 'buyer-2', path: () => '/api/v1/notifications/unread-count', expect: [200], shows: (b) => assert.equal(b.unreadCount, 0), why: 'own inbox only' },
  { route: 'POST /api/v1/notifications/read', who: 'buyer-2', path: () => '/api/v1/notifications/read', body: (f) => ({ ids: [f.notice1] }), expect: FOREIGN, why: 'buyer-1’s notice' },
  { route: 'POST /api/v1/notifications/read', who: 'leader-1', path: () => '/api/v1/notifications/read', body: (f) => ({ ids: [f.notice1] }), expect: FOREIGN, why: 'buyer-1’s notice' },
  { route: 'POST /api/v1/notifications/read-all', who: null, path: () => '/api/v1/notifications/read-all', expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/notifications/read-all', who: 'buyer-2', path: () => '/api/v1/notifications/read-all', expect: [200], why: 'marks their own (none), never buyer-1’s' },
  { route: 'GET /api/v1/pickup-codes', who: 'leader-1', path: () => '/api/v1/pickup-codes', expect: [403], why: 'role' },
  { route: 'GET /api/v1/pickup-codes', who: 'buyer-2', path: () => '/api/v1/pickup-codes', expect: [200], shows: (b, f) => assert.ok(!b.codes.some((c: { orderId: string }) => c.orderId === f.paidOrder)), why: 'own codes only' },

  { route: 'GET /api/v1/leaders/:leaderId/ledger', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/ledger', expect: [403], why: 'leader-1’s ledger' },
  { route: 'GET /api/v1/leaders/:leaderId/ledger', who: 'buyer-2', path: () => '/api/v1/leaders/leader-1/ledger', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leaders/:leaderId/statements', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/statements', expect: [403], why: 'leader-1’s statements' },
  { route: 'GET /api/v1/leaders/:leaderId/statements', who: 'warehouse-1', path: () => '/api/v1/leaders/leader-1/statements', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leaders/:leaderId/statements/:date', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/statements/2026-01-01', expect: [403], why: 'leader-1’s statement' },
  { route: 'GET /api/v1/leaders/:leaderId/statements/:date/csv', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/statements/2026-01-01/csv', expect: [403], why: 'leader-1’s statement' },
  { route: 'POST /api/v1/leaders/:leaderId/withdrawals', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/withdrawals', body: () => ({ amountFen: 1000, idempotencyKey: 'foreign-0001' }), expect: [403], why: 'leader-1’s money' },
  { route: 'POST /api/v1/leaders/:leaderId/withdrawals', who: 'admin-1', path: () => '/api/v1/leaders/leader-1/withdrawals', body: () => ({ amountFen: 1000, idempotencyKey: 'operator-0001' }), expect: [403], why: 'only the leader moves their money' },
  { route: 'POST /api/v1/leaders/:leaderId/withdrawals', who: 'leader-1', path: () => '/api/v1/leaders/leader-1/withdrawals', body: () => ({ amountFen: 1_000_000, idempotencyKey: 'too-much-0001' }), expect: [409], why: 'above the available balance' },
  { route: 'POST /api/v1/leaders/:leaderId/withdrawals', who: 'leader-1', path: () => '/api/v1/leaders/leader-1/withdrawals', body: () => ({ amountFen: -5, idempotencyKey: 'negative-0001' }), expect: [400], why: 'bad amount' },
  { route: 'GET /api/v1/leaders/:leaderId/withdrawals', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/withdrawals', expect: [403], why: 'leader-1’s withdrawals' },
  { route: 'GET /api/v1/leaders/:leaderId/tier', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/tier', expect: [403], why: 'leader-1’s tier' },
  { route: 'POST /api/v1/orders/:id/rating', who: 'buyer-2', path: (f) => `/api/v1/orders/${f.paidOrder}/rating`, body: () => ({ score: 9 }), expect: FOREIGN, why: 'buyer-1’s order' },
  { route: 'POST /api/v1/orders/:id/rating', who: 'buyer-1', path: (f) => `/api/v1/orders/${f.paidOrder}/rating`, body: () => ({ score: 9 }), expect: [409], why: 'not picked up yet' },
  { route: 'POST /api/v1/orders/:id/rating', who: 'buyer-1', path: (f) => `/api/v1/orders/${f.paidOrder}/rating`, body: () => ({ score: 11 }), expect: [400], why: 'score out of 0–10' },
  { route: 'POST /api/v1/orders/:id/rating', who: 'leader-1', path: (f) => `/api/v1/orders/${f.paidOrder}/rating`, body: () => ({ score: 9 }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/admin/leader-ledger/reconciliation', who: 'leader-1', path: () => '/api/v1/admin/leader-ledger/reconciliation', expect: [403], why: 'admins only' },
  { route: 'GET /api/v1/admin/leader-ledger/reconciliation', who: null, path: () => '/api/v1/admin/leader-ledger/reconciliation', expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/admin/leaders/:leaderId/tier-evaluations', who: 'leader-1', path: () => '/api/v1/admin/leaders/leader-1/tier-evaluations', body: () => ({}), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/leader/share-links', who: 'buyer-2', path: () => '/api/v1/leader/share-links', body: () => ({}), expect: [403], why: 'role' },
  { route: 'POST /api/v1/leader/share-links', who: 'leader-1', path: () => '/api/v1/leader/share-links', body: () => ({ leaderId: 'leader-2' }), expect: [403], why: 'a link for another leader' },
  { route: 'POST /api/v1/leader/share-links', who: 'leader-1', path: () => '/api/v1/leader/share-links', body: () => ({ ttlHours: 0 }), expect: [400], why: 'bad lifetime' },
  { route: 'GET /api/v1/me/leader', who: 'leader-1', path: () => '/api/v1/me/leader', expect: [403], why: 'role' },
  { route: 'GET /api/v1/me/leader', who: 'buyer-2', path: () => '/api/v1/me/leader', expect: [200], shows: (b) => assert.equal(b.leader, null), why: 'own binding only (buyer-1 belongs to leader-1)' },
  // WeChat linking: a buyer's own link only (the user is always the token's); off in this
  // platform, so a buyer gets 404 for the OAuth steps and never reaches WeChat.
  { route: 'GET /api/v1/me/wechat', who: null, path: () => '/api/v1/me/wechat', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/me/wechat', who: 'leader-1', path: () => '/api/v1/me/wechat', expect: [403], why: 'role' },
  { route: 'GET /api/v1/me/wechat/authorize', who: 'driver-1', path: () => '/api/v1/me/wechat/authorize', expect: [403], why: 'role' },
  { route: 'GET /api/v1/me/wechat/authorize', who: 'buyer-2', path: () => '/api/v1/me/wechat/authorize', expect: [404], why: 'WeChat is not configured' },
  { route: 'POST /api/v1/me/wechat/link', who: null, path: () => '/api/v1/me/wechat/link', body: () => ({ code: 'abc', state: 'f'.repeat(64) }), expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/me/wechat/link', who: 'warehouse-1', path: () => '/api/v1/me/wechat/link', body: () => ({ code: 'abc', state: 'f'.repeat(64) }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/me/wechat/link', who: 'buyer-2', path: () => '/api/v1/me/wechat/link', body: () => ({ code: 'abc', state: 'f'.repeat(64) }), expect: [404], why: 'WeChat is not configured' },
  { route: 'DELETE /api/v1/me/wechat', who: null, path: () => '/api/v1/me/wechat', expect: [401], why: 'signed-in only' },
  { route: 'DELETE /api/v1/me/wechat', who: 'admin-1', path: () => '/api/v1/me/wechat', expect: [403], why: 'role' },
  // Stock ledger: warehouse staff of their own warehouse and admins; a POST without its
  // Idempotency-Key never gets as far as the warehouse check, so those rows refuse by role.
  { route: 'POST /api/v1/stock/receipts', who: 'leader-1', path: () => '/api/v1/stock/receipts', body: (f) => ({ skuId: f.sku1, qty: 5, batch: 'b1' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/stock/receipts', who: 'buyer-2', path: () => '/api/v1/stock/receipts', body: (f) => ({ skuId: f.sku1, qty: 5, batch: 'b1' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/stock/adjustments', who: 'leader-1', path: () => '/api/v1/stock/adjustments', body: (f) => ({ reason: 'DAMAGE', skuId: f.sku1, qty: 1 }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/stock/adjustments', who: 'driver-1', path: () => '/api/v1/stock/adjustments', body: (f) => ({ reason: 'COUNT', skuId: f.sku1, counted: 0 }), expect: [403], why: 'role' },
  { route: 'PUT /api/v1/stock/alert-levels', who: 'warehouse-2', path: () => '/api/v1/stock/alert-levels', body: (f) => ({ warehouseId: 'wh-1', skuId: f.sku1, level: 1 }), expect: [403], why: 'another warehouse' },
  { route: 'PUT /api/v1/stock/alert-levels', who: 'leader-1', path: () => '/api/v1/stock/alert-levels', body: (f) => ({ skuId: f.sku1, level: 1 }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/stock/movements', who: 'warehouse-2', path: () => '/api/v1/stock/movements?warehouseId=wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/stock/movements', who: 'leader-1', path: () => '/api/v1/stock/movements', expect: [403], why: 'role' },
  { route: 'GET /api/v1/stock/board', who: 'warehouse-2', path: () => '/api/v1/stock/board?warehouseId=wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/stock/board', who: 'buyer-2', path: () => '/api/v1/stock/board', expect: [403], why: 'role' },
  { route: 'GET /api/v1/stock/alerts', who: 'warehouse-2', path: () => '/api/v1/stock/alerts?warehouseId=wh-1', expect: [403], why: 'another warehouse' },
  { route: 'GET /api/v1/stock/alerts', who: 'leader-1', path: () => '/api/v1/stock/alerts', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leaders/:leaderId/dashboard', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/dashboard', expect: [403], why: 'leader-1’s dashboard' },
  { route: 'GET /api/v1/leaders/:leaderId/dashboard', who: 'buyer-2', path: () => '/api/v1/leaders/leader-1/dashboard', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leader/customers', who: 'buyer-2', path: () => '/api/v1/leader/customers', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leader/customers', who: 'leader-2', path: () => '/api/v1/leader/customers', expect: [200], shows: (b) => assert.ok(!b.customers.some((c: { buyerId: string }) => c.buyerId === 'buyer-1')), why: 'own customers only' },
  { route: 'GET /api/v1/leaders/:leaderId/customers', who: 'leader-2', path: () => '/api/v1/leaders/leader-1/customers', expect: [403], why: 'leader-1’s customers' },
  { route: 'GET /api/v1/leaders/:leaderId/customers', who: 'warehouse-1', path: () => '/api/v1/leaders/leader-1/customers', expect: [403], why: 'role' },

  { route: 'POST /api/v1/leader-applications', who: null, path: () => '/api/v1/leader-applications', body: () => ({ name: 'x', community: 'c', address: 'a', lat: 30.2, lng: 120.1, zone: 'Asia/Shanghai' }), expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/leader-applications', who: 'leader-1', path: () => '/api/v1/leader-applications', body: () => ({ name: 'x', community: 'c', address: 'a', lat: 30.2, lng: 120.1, zone: 'Asia/Shanghai' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/leader-applications', who: 'warehouse-1', path: () => '/api/v1/leader-applications', body: () => ({ name: 'x', community: 'c', address: 'a', lat: 30.2, lng: 120.1, zone: 'Asia/Shanghai' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/leader-applications', who: 'buyer-2', path: () => '/api/v1/leader-applications', body: () => ({ name: 'x', community: 'c', address: 'a', lat: 30.2, lng: 120.1, zone: 'Asia/Shanghai' }), expect: [403], why: 'no phone proven by a phone sign-in' },
  { route: 'GET /api/v1/leader-applications', who: null, path: () => '/api/v1/leader-applications', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/leader-applications', who: 'leader-1', path: () => '/api/v1/leader-applications', expect: [403], why: 'role' },
  { route: 'GET /api/v1/leader-applications', who: 'buyer-2', path: () => '/api/v1/leader-applications', expect: [200], shows: (b) => assert.deepEqual(b.applications, []), why: 'own applications only' },
  { route: 'GET /api/v1/admin/leader-applications', who: null, path: () => '/api/v1/admin/leader-applications', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/admin/leader-applications', who: 'leader-1', path: () => '/api/v1/admin/leader-applications', expect: [403], why: 'admins only' },
  { route: 'GET /api/v1/admin/leader-applications', who: 'buyer-2', path: () => '/api/v1/admin/leader-applications', expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/leader-applications', who: 'warehouse-1', path: () => '/api/v1/admin/leader-applications', body: () => ({ ...{ name: 'x', community: 'c', address: 'a', lat: 30.2, lng: 120.1, zone: 'Asia/Shanghai' }, phone: '13900000002' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/leader-applications', who: 'admin-1', path: () => '/api/v1/admin/leader-applications', body: () => ({ ...{ name: 'x', community: 'c', address: 'a', lat: 30.2, lng: 120.1, zone: 'Asia/Shanghai' }, phone: '13800000011' }), expect: [409], why: 'warehouse-1’s phone' },
  { route: 'POST /api/v1/admin/leader-applications/:id/approve', who: 'leader-1', path: () => '/api/v1/admin/leader-applications/00000000-0000-4000-8000-000000000000/approve', body: () => ({ warehouseId: 'wh-1' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/leader-applications/:id/approve', who: 'buyer-2', path: () => '/api/v1/admin/leader-applications/00000000-0000-4000-8000-000000000000/approve', body: () => ({ warehouseId: 'wh-1' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/leader-applications/:id/approve', who: 'admin-1', path: () => '/api/v1/admin/leader-applications/00000000-0000-4000-8000-000000000000/approve', body: () => ({ warehouseId: 'wh-1' }), expect: [404], why: 'no such application' },
  { route: 'POST /api/v1/admin/leader-applications/:id/reject', who: 'warehouse-1', path: () => '/api/v1/admin/leader-applications/00000000-0000-4000-8000-000000000000/reject', body: () => ({ reason: 'no' }), expect: [403], why: 'admins only' },
  { route: 'POST /api/v1/admin/leader-applications/:id/reject', who: 'admin-1', path: () => '/api/v1/admin/leader-applications/00000000-0000-4000-8000-000000000000/reject', body: () => ({}), expect: [400], why: 'a rejection needs a reason' },

  { route: 'GET /api/v1/pickup-points', who: null, path: () => '/api/v1/pickup-points?near=31.23,121.47', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/me/pickup-point', who: 'leader-1', path: () => '/api/v1/me/pickup-point', expect: [403], why: 'role' },
  { route: 'GET /api/v1/me/pickup-point', who: 'buyer-2', path: () => '/api/v1/me/pickup-point', expect: [200], shows: (b) => assert.equal(b.source, 'NONE'), why: 'own point only (buyer-1 has their leader’s)' },
  { route: 'PUT /api/v1/me/pickup-point', who: null, path: () => '/api/v1/me/pickup-point', body: () => ({ pickupPointId: 'pp-leader-1' }), expect: [401], why: 'signed-in only' },
  { route: 'PUT /api/v1/me/pickup-point', who: 'leader-1', path: () => '/api/v1/me/pickup-point', body: () => ({ pickupPointId: 'pp-leader-1' }), expect: [403], why: 'role' },
  { route: 'PUT /api/v1/me/pickup-point', who: 'driver-1', path: () => '/api/v1/me/pickup-point', body: () => ({ pickupPointId: 'pp-leader-1' }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/orders', who: 'leader-1', path: () => '/api/v1/orders', body: (f) => ({ skuId: f.sku1, qty: 1 }), expect: [403], why: 'role' },
  { route: 'POST /api/v1/orders', who: 'warehouse-1', path: () => '/api/v1/orders', body: (f) => ({ skuId: f.sku1, qty: 1 }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/orders', who: 'driver-1', path: () => '/api/v1/orders', expect: [403], why: 'role' },
  { route: 'GET /api/v1/orders', who: 'buyer-2', path: () => '/api/v1/orders', expect: [200], shows: (b, f) => assert.ok(!b.orders.some((o: { id: string }) => o.id === f.paidOrder || o.id === f.openOrder)), why: 'own orders only' },
  { route: 'GET /api/v1/orders/:id', who: 'buyer-2', path: (f) => `/api/v1/orders/${f.paidOrder}`, expect: FOREIGN, why: 'buyer-1’s order' },
  { route: 'POST /api/v1/orders/:id/pay', who: 'buyer-2', path: (f) => `/api/v1/orders/${f.openOrder}/pay`, expect: FOREIGN, why: 'buyer-1’s order' },
  { route: 'POST /api/v1/orders/:id/cancel', who: 'buyer-2', path: (f) => `/api/v1/orders/${f.openOrder}/cancel`, expect: FOREIGN, why: 'buyer-1’s order' },
  { route: 'POST /api/v1/orders/:id/cancel', who: 'admin-1', path: (f) => `/api/v1/orders/${f.openOrder}/cancel`, expect: [403], why: 'not an admin route' },

  { route: 'POST /api/v1/orders/:id/after-sales', who: 'buyer-2', path: (f) => `/api/v1/orders/${f.paidOrder}/after-sales`, body: () => ({ kind: 'DAMAGED', text: 'x', photos: [PNG] }), expect: FOREIGN, why: 'buyer-1’s order' },
  { route: 'POST /api/v1/orders/:id/after-sales', who: 'leader-1', path: (f) => `/api/v1/orders/${f.paidOrder}/after-sales`, body: () => ({ kind: 'DAMAGED', text: 'x' }), expect: [403], why: 'role' },
  { route: 'GET /api/v1/after-sales', who: 'driver-1', path: () => '/api/v1/after-sales', expect: [403], why: 'role' },
  { route: 'GET /api/v1/after-sales', who: 'buyer-2', path: () => '/api/v1/after-sales', expect: [200], shows: (b, f) => assert.ok(!b.cases.some((c: { id: string }) => c.id === f.case1)), why: 'own requests only' },
  { route: 'GET /api/v1/after-sales', who: 'leader-2', path: () => '/api/v1/after-sales', expect: [200], shows: (b, f) => assert.ok(!b.cases.some((c: { id: string }) => c.id === f.case1)), why: 'own orders’ requests only' },
  { route: 'GET /api/v1/after-sales', who: 'warehouse-2', path: () => '/api/v1/after-sales', expect: [200], shows: (b, f) => assert.ok(!b.cases.some((c: { id: string }) => c.id === f.case1)), why: 'own warehouse only' },
  { route: 'GET /api/v1/after-sales/:id', who: 'buyer-2', path: (f) => `/api/v1/after-sales/${f.case1}`, expect: FOREIGN, why: 'buyer-1’s request' },
  { route: 'GET /api/v1/after-sales/:id', who: 'leader-2', path: (f) => `/api/v1/after-sales/${f.case1}`, expect: FOREIGN, why: 'leader-1’s order' },
  { route: 'GET /api/v1/after-sales/:id', who: 'warehouse-2', path: (f) => `/api/v1/after-sales/${f.case1}`, expect: FOREIGN, why: 'another warehouse' },
  { route: 'GET /api/v1/after-sales/:id', who: 'driver-1', path: (f) => `/api/v1/after-sales/${f.case1}`, expect: [403], why: 'role' },
  { route: 'GET /api/v1/after-sales/:id/photos/:photoId', who: 'buyer-2', path: (f) => `/api/v1/after-sales/${f.case1}/photos/${f.photo1}`, expect: FOREIGN, why: 'buyer-1’s photo' },
  { route: 'GET /api/v1/after-sales/:id/photos/:photoId', who: 'leader-2', path: (f) => `/api/v1/after-sales/${f.case1}/photos/${f.photo1}`, expect: FOREIGN, why: 'leader-1’s order' },
  { route: 'POST /api/v1/after-sales/:id/answers', who: 'leader-2', path: (f) => `/api/v1/after-sales/${f.case1}/answers`, body: () => ({ text: 'x' }), expect: FOREIGN, why: 'leader-1’s order' },
  { route: 'POST /api/v1/after-sales/:id/answers', who: 'warehouse-2', path: (f) => `/api/v1/after-sales/${f.case1}/answers`, body: () => ({ text: 'x' }), expect: FOREIGN, why: 'another warehouse' },
  { route: 'POST /api/v1/after-sales/:id/answers', who: 'buyer-1', path: (f) => `/api/v1/after-sales/${f.case1}/answers`, body: () => ({ text: 'x' }), expect: [403], why: 'the buyer asks, others answer' },
  { route: 'POST /api/v1/after-sales/:id/resolve', who: 'leader-2', path: (f) => `/api/v1/after-sales/${f.case1}/resolve`, body: () => ({ refundFen: 1 }), expect: FOREIGN, why: 'leader-1’s order' },
  { route: 'POST /api/v1/after-sales/:id/resolve', who: 'warehouse-2', path: (f) => `/api/v1/after-sales/${f.case1}/resolve`, body: () => ({ refundFen: 1 }), expect: FOREIGN, why: 'another warehouse' },
  { route: 'POST /api/v1/after-sales/:id/resolve', who: 'buyer-1', path: (f) => `/api/v1/after-sales/${f.case1}/resolve`, body: () => ({ refundFen: 1 }), expect: [403], why: 'a buyer does not refund themselves' },
  { route: 'POST /api/v1/after-sales/:id/resolve', who: 'leader-1', path: (f) => `/api/v1/after-sales/${f.case1}/resolve`, body: () => ({ refundFen: 999_999 }), expect: [400], why: 'more than was paid' },
  { route: 'GET /api/v1/admin/after-sales/report', who: null, path: () => '/api/v1/admin/after-sales/report', expect: [401], why: 'signed-in only' },
  { route: 'GET /api/v1/admin/after-sales/report', who: 'leader-1', path: () => '/api/v1/admin/after-sales/report', expect: [403], why: 'admins only' },
  { route: 'GET /api/v1/admin/after-sales/report', who: 'warehouse-1', path: () => '/api/v1/admin/after-sales/report', expect: [403], why: 'admins only' },

  { route: 'POST /api/v1/group-buys', who: null, path: () => '/api/v1/group-buys', body: (f) => groupBuy(f), expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/group-buys', who: 'leader-2', path: () => '/api/v1/group-buys', body: (f) => groupBuy(f, { leaderId: 'leader-1' }), expect: [403], why: 'for leader-1' },
  { route: 'POST /api/v1/group-buys', who: 'leader-2', path: () => '/api/v1/group-buys', body: (f) => groupBuy(f, { warehouseId: 'wh-2' }), expect: [403], why: 'leader-1’s SKU' },
  { route: 'POST /api/v1/group-buys', who: 'leader-1', path: () => '/api/v1/group-buys', body: (f) => groupBuy(f, { warehouseId: 'wh-2' }), expect: [403], why: 'a warehouse not serving leader-1' },
  { route: 'POST /api/v1/group-buys', who: 'leader-1', path: () => '/api/v1/group-buys', body: (f) => groupBuy(f, { minQty: 6 }), expect: [400], why: 'a minimum above the stock cap' },
  { route: 'POST /api/v1/group-buys', who: 'admin-1', path: () => '/api/v1/group-buys', body: (f) => groupBuy(f, { leaderId: 'leader-2', warehouseId: 'wh-2' }), expect: [403], why: 'an operator for a leader who does not own the SKU' },
  { route: 'POST /api/v1/group-buys', who: 'buyer-2', path: () => '/api/v1/group-buys', body: (f) => groupBuy(f), expect: [403], why: 'role' },
  { route: 'GET /api/v1/group-buys', who: 'leader-2', path: () => '/api/v1/group-buys?leaderId=leader-1', expect: [403], why: 'leader-1’s list' },
  { route: 'GET /api/v1/group-buys', who: 'leader-2', path: () => '/api/v1/group-buys', expect: [200], shows: (b, f) => assert.ok(!b.groupBuys.some((g: { id: string }) => g.id === f.groupBuy1)), why: 'own group buys only' },
  { route: 'GET /api/v1/group-buys', who: 'buyer-2', path: () => '/api/v1/group-buys?leaderId=leader-1', expect: [403], why: 'role' },
  { route: 'GET /api/v1/group-buys', who: 'admin-1', path: () => '/api/v1/group-buys', expect: [400], why: 'an operator names the leader' },
  { route: 'GET /api/v1/group-buys/:id', who: null, path: (f) => `/api/v1/group-buys/${f.groupBuy1}`, expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/group-buys/:id/orders', who: null, path: (f) => `/api/v1/group-buys/${f.groupBuy1}/orders`, body: () => ({ qty: 1 }), expect: [401], why: 'signed-in only' },
  { route: 'POST /api/v1/group-buys/:id/orders', who: 'leader-2', path: (f) => `/api/v1/group-buys/${f.groupBuy1}/orders`, body: () => ({ qty: 1 }), expect: [403], why: 'buyers order' },
  { route: 'POST /api/v1/group-buys/:id/orders', who: 'buyer-2', path: (f) => `/api/v1/group-buys/${f.groupBuy1}/orders`, body: () => ({ qty: 0 }), expect: [400], why: 'qty 0 (and no key)' },
];

describe('ownership', { timeout: 240_000 }, () => {
  const iso = isolate();
  let core: Core;
  let room: Awaited<ReturnType<typeof startLiveRoom>>;
  let db: pg.Client;
  const f = {} as Fixture;
  const apis = new Map<string, Api>();
  const as = async (userId: string) => {
    if (!apis.has(userId)) apis.set(userId, await Api.login(core.url, userId));
    return apis.get(userId)!;
  };
  const schemas = () => ['inventory', 'order', 'fulfillment', 'live-room', 'gateway', 'leader'].map((s) => iso.env(s).DB_SCHEMA!);

  before(async () => {
    const roomPort = await freePort();
    core = await startCore(iso, { gateway: { LIVE_ROOM_ADDR: `127.0.0.1:${roomPort}` }, order: { EXPIRY_INTERVAL_MS: '600000' } }, { leader: true });
    room = await startLiveRoom(
      parseConfig(liveRoomShape, {
        ...iso.env('live-room'),
        GRPC_PORT: String(roomPort),
        INVENTORY_ADDR: `127.0.0.1:${core.inventory.runtime.grpcPort}`,
        ORDER_ADDR: `127.0.0.1:${core.order.runtime.grpcPort}`,
        FULFILLMENT_ADDR: `127.0.0.1:${core.fulfillment!.runtime.grpcPort}`,
        MEDIA_ENABLED: 'false',
      }),
    );
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();

    // wh-1 with one van driven by driver-1 serves leader-1; wh-2 serves leader-2.
    const staff1 = await as('warehouse-1');
    const wh1 = await staff1.post('/api/v1/warehouses', { id: 'wh-1', name: '上海仓', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', driverIds: ['driver-1'], vehicles: [{ id: 'van-1', capacity: 50, driverId: 'driver-1' }] });
    assert.equal(wh1.status, 201, JSON.stringify(wh1.body));
    await servedLeader(core.url, 'leader-1', 'wh-1');
    await servedLeader(core.url, 'leader-2', 'wh-2');
    const { skuId, flashSaleId, productId } = await createFlashSale(await as('leader-1'), { quantity: 10, perBuyerLimit: 5, stock: 100 });
    Object.assign(f, { sku1: skuId, sale1: flashSaleId, product1: productId });
    const opened = await (await as('leader-1')).post('/api/v1/group-buys', groupBuy(f));
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    f.groupBuy1 = opened.body.id;
    f.sku2 = (await stockProduct(core.url, 'leader-2', { name: '李的苹果 apples', skus: [{ name: 'box', listPriceFen: 3000, initialStock: 10 }] }, 'wh-2')).skus[0]!.id;
    for (const [leaderId, key] of [['leader-1', 'session1'], ['leader-2', 'session2']] as const) {
      const s = await (await as(leaderId)).post('/api/v1/live-sessions', { title: `${leaderId} 直播` });
      assert.equal(s.status, 201, JSON.stringify(s.body));
      f[key] = s.body.id;
    }
    const proposal = await (await as('leader-1')).post('/api/v1/product-proposals', { name: '王的桃子 peaches', skus: [{ name: 'box', listPriceFen: 4000, initialStock: 5 }] });
    assert.equal(proposal.status, 201, JSON.stringify(proposal.body));
    f.proposal1 = proposal.body.id;

    // buyer-1: one paid order (bagged, planned onto driver-1's route) and one awaiting payment.
    const buyer = await as('buyer-1');
    const paid = await buyer.post('/api/v1/orders', { flashSaleId: f.sale1, qty: 1 }, { 'idempotency-key': 'paid' });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    assert.equal((await buyer.post(`/api/v1/orders/${paid.body.id}/pay`)).body.status, 'PAID');
    f.paidOrder = paid.body.id;
    // The leader ledger has taken the payment before the walk fingerprints its tables.
    const leader1 = await as('leader-1');
    await poll('the paid order in leader-1’s ledger', async () => ((await leader1.get('/api/v1/leaders/leader-1/ledger')).body.entries?.length ? true : undefined));
    f.notice1 = (await poll('buyer-1’s payment notice', async () => (await buyer.get('/api/v1/notifications')).body.notifications?.find((n: { orderId: string }) => n.orderId === f.paidOrder))).id;
    const request = await buyer.post(`/api/v1/orders/${f.paidOrder}/after-sales`, { kind: 'DAMAGED', text: '压坏了 crushed', photos: [PNG] });
    assert.equal(request.status, 201, JSON.stringify(request.body));
    f.case1 = request.body.id;
    f.photo1 = request.body.photos[0].id;
    const open = await buyer.post('/api/v1/orders', { skuId: f.sku1, qty: 1 }, { 'idempotency-key': 'open' });
    assert.equal(open.status, 201, JSON.stringify(open.body));
    f.openOrder = open.body.id;
    const wave = await poll('the paid order in a wave', async () => (await staff1.get('/api/v1/waves?warehouseId=wh-1')).body.waves?.find((w: { orderCount: number }) => w.orderCount === 1));
    f.wave = wave.id;
    assert.equal((await staff1.post('/api/v1/waves', { warehouseId: 'wh-1', deliveryDate: wave.deliveryDate })).status, 200);
    f.bag = (await staff1.get(`/api/v1/waves/${f.wave}/pick-lists`)).body.pickLists[0].bags[0].id;
    const plan = await staff1.post(`/api/v1/waves/${f.wave}/routes`, { timeLimitMs: 500, wait: true });
    assert.equal(plan.body.status, 'DONE', JSON.stringify(plan.body));
    f.plan = plan.body.id;
    f.route = plan.body.routes[0].id;
    f.stop = plan.body.routes[0].stops[0].id;
    assert.equal(plan.body.routes[0].driverId, 'driver-1');
  });

  after(async () => {
    await db?.end();
    await room?.runtime.stop();
    await core?.stop();
    await iso.cleanup();
  });

  it('ownership - the table names every registered REST route', () => {
    const listed = new Set(TABLE.map((r) => r.route));
    const registered = registeredRoutes(core.gateway.runtime.http.printRoutes({ commonPrefix: false }));
    assert.ok(registered.length > 40, `the route listing was read (${registered.length} routes)`);
    const missing = registered.filter((r) => !listed.has(r));
    assert.deepEqual(missing, [], 'routes without ownership rows');
    const stale = [...listed].filter((r) => !registered.includes(r));
    assert.deepEqual(stale, [], 'rows for routes that no longer exist');
  });

  it('ownership - foreign owners and other roles are refused on every route and change nothing', async () => {
    const failures: string[] = [];
    for (const row of TABLE) {
      const method = row.route.split(' ')[0]!;
      const api = row.who ? await as(row.who) : new Api(core.url);
      const before = await fingerprint(db, schemas());
      const r = await api.request(method, row.path(f), row.body?.(f));
      const afterwards = await fingerprint(db, schemas());
      const label = `${row.route} as ${row.who ?? 'nobody'} (${row.why})`;
      if (!row.expect.includes(r.status)) failures.push(`${label}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else if (r.status >= 400 && typeof r.body?.message !== 'string') failures.push(`${label}: no message`);
      try {
        row.shows?.(r.body, f);
      } catch {
        failures.push(`${label}: showed the owner's things`);
      }
      const changed = Object.keys(afterwards).filter((t) => afterwards[t] !== before[t]);
      if (changed.length) failures.push(`${label}: changed ${changed.join(', ')}`);
    }
    assert.deepEqual(failures, []);
  });

  it('ownership - the owners themselves may do what the others were refused', async () => {
    // Controls for the table: the refusals above are about who asks, not about broken fixtures.
    const leader1 = await as('leader-1');
    const pool = await leader1.post('/api/v1/flash-sales', { skuId: f.sku1, warehouseId: 'wh-1', liveSessionId: f.session1, salePriceFen: 5990, quantity: 1, endsAt: later() });
    assert.equal(pool.status, 201, JSON.stringify(pool.body));
    assert.equal(pool.body.leaderId, 'leader-1');
    const onBehalf = await (await as('admin-1')).post('/api/v1/flash-sales', { ...sale(f), leaderId: 'leader-1' });
    assert.equal(onBehalf.status, 201, JSON.stringify(onBehalf.body));
    assert.equal((await (await as('warehouse-1')).get(`/api/v1/route-plans/${f.plan}`)).status, 200);
    assert.equal((await (await as('driver-1')).get(`/api/v1/routes/${f.route}`)).status, 200);
    assert.equal((await (await as('buyer-1')).get(`/api/v1/orders/${f.openOrder}`)).status, 200);
    assert.deepEqual((await (await as('buyer-1')).post('/api/v1/notifications/read', { ids: [f.notice1] })).body, { marked: 1, unreadCount: 0 });
    const point = (await (await as('buyer-1')).get('/api/v1/me/pickup-point')).body;
    assert.deepEqual([point.source, point.pickupPoint?.id], ['LEADER', 'pp-leader-1'], 'a bound buyer has their leader’s point');
    assert.equal((await (await as('leader-1')).get(`/api/v1/after-sales/${f.case1}/photos/${f.photo1}`)).status, 200);
    assert.equal((await (await as('warehouse-1')).post(`/api/v1/after-sales/${f.case1}/answers`, { text: '已收到 noted' })).body.status, 'ANSWERED');
    const stock = await (await as('warehouse-1')).get('/api/v1/stock');
    assert.ok(stock.body.levels.some((l: { skuId: string }) => l.skuId === f.sku1), 'staff see their own warehouse by default');
    const me = await (await as('warehouse-2')).get('/api/v1/me');
    assert.equal(me.body.user.warehouseId, 'wh-2', 'staff carry their warehouse in the token');
    assert.equal((await leader1.get('/api/v1/me')).body.user.warehouseId, undefined, 'other roles carry none');
  });

  it('proposals - a leader proposes, staff of the serving warehouse accept (a product owned by the leader) or reject with a reason, once', async () => {
    const leader2 = await as('leader-2');
    const staff2 = await as('warehouse-2');
    const bad = await leader2.post('/api/v1/product-proposals', { name: '', skus: [] });
    assert.equal(bad.status, 400);
    const proposed = await leader2.post('/api/v1/product-proposals', { name: '李的梨 pears', description: '3 jin', skus: [{ name: 'box', listPriceFen: 2500, perBuyerLimit: 3, initialStock: 7 }] });
    assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
    assert.deepEqual([proposed.body.warehouseId, proposed.body.status, proposed.body.leaderId], ['wh-2', 'PENDING', 'leader-2'], 'sent to the warehouse serving the leader');
    const listed = await staff2.get('/api/v1/product-proposals?status=PENDING');
    assert.deepEqual(listed.body.proposals.map((p: { id: string }) => p.id), [proposed.body.id]);
    assert.equal((await staff2.post(`/api/v1/product-proposals/${proposed.body.id}/reject`, {})).status, 400, 'a rejection names its reason');

    const accepted = await staff2.post(`/api/v1/product-proposals/${proposed.body.id}/accept`);
    assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
    assert.equal(accepted.body.proposal.status, 'ACCEPTED');
    assert.equal(accepted.body.product.ownerLeaderId, 'leader-2');
    assert.equal(accepted.body.proposal.productId, accepted.body.product.id);
    const skuId = accepted.body.product.skus[0].id;
    const level = (await staff2.get('/api/v1/stock')).body.levels.find((l: { skuId: string }) => l.skuId === skuId);
    assert.equal(level.onHand, 7, 'stocked at the proposal’s warehouse');
    assert.equal((await staff2.post(`/api/v1/product-proposals/${proposed.body.id}/accept`)).status, 409, 'decided once');
    assert.equal((await staff2.post(`/api/v1/product-proposals/${proposed.body.id}/reject`, { reason: 'late' })).status, 409);
    const pool = await leader2.post('/api/v1/flash-sales', { skuId, warehouseId: 'wh-2', salePriceFen: 2000, quantity: 2, endsAt: later() });
    assert.equal(pool.status, 201, 'the proposing leader sells it');

    const another = await leader2.post('/api/v1/product-proposals', { name: '太贵 too dear', skus: [{ name: 'box', listPriceFen: 99_000 }] });
    const rejected = await staff2.post(`/api/v1/product-proposals/${another.body.id}/reject`, { reason: '价格太高 price too high' });
    assert.equal(rejected.status, 200);
    assert.deepEqual([rejected.body.proposal.status, rejected.body.proposal.reason, rejected.body.proposal.productId], ['REJECTED', '价格太高 price too high', null]);
    const mine = await leader2.get('/api/v1/product-proposals');
    assert.deepEqual(mine.body.proposals.map((p: { status: string }) => p.status).sort(), ['ACCEPTED', 'REJECTED'], 'the leader sees how theirs went');

    const stranger = await (await as('leader-3')).post('/api/v1/product-proposals', { name: 'x', skus: [{ name: 'a', listPriceFen: 1 }] });
    assert.equal(stranger.status, 409, 'a leader without a pickup point has no warehouse to propose to');
    assert.match(stranger.body.message, /pickup point/);
  });
});
