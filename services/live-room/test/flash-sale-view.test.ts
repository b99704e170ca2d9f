// One flash-sale view: GET /api/v1/flash-sales/:id, the live session's REST answer, and the
// socket's `sale:started` and `session:join` carry the same object shape (keys and value types),
// and agree on the sale they describe.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { ask, next, startPlatform, type Platform } from './harness.js';

/** Keys (sorted) and value types, recursively: what two producers of one view must agree on. */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([k, v]) => [k, shapeOf(v)]));
  }
  return typeof value;
}

describe('flash-sale view', () => {
  let p: Platform;
  let sessionId: string;
  let skuId: string;

  before(async () => {
    p = await startPlatform();
    sessionId = await p.liveSession('leader-1');
    ({ skuId } = await createFlashSale(await Api.login(p.core.url, 'leader-1'), { quantity: 1, perBuyerLimit: 1, stock: 100 }));
  });
  after(() => p.stop());

  it('REST and socket send the same flash-sale shape for the same pool', async () => {
    const leader = await p.socket('leader-1');
    const buyer = await p.socket('buyer-41');
    assert.ok((await ask(leader, 'session:join', { sessionId })).ok);
    assert.ok((await ask(buyer, 'session:join', { sessionId })).ok);
    const announced = next(buyer, 'sale:started');
    const started = await ask(leader, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 990, quantity: 3, perBuyerLimit: 1, countdownSeconds: 1 });
    assert.ok(started.ok, JSON.stringify(started));
    const socketSale = (await announced).sale;

    const api = await Api.login(p.core.url, 'buyer-41');
    const rest = await api.get(`/api/v1/flash-sales/${socketSale.id}`);
    assert.equal(rest.status, 200);
    const late = await p.socket('buyer-42');
    const joined = await ask(late, 'session:join', { sessionId });
    assert.ok(joined.ok);
    const session = await api.get(`/api/v1/live-sessions/${sessionId}`);
    assert.equal(session.status, 200);

    const expected = shapeOf(rest.body);
    assert.ok(Object.keys(expected as object).length >= 15, JSON.stringify(expected));
    assert.deepEqual(shapeOf(socketSale), expected, 'sale:started');
    assert.deepEqual(shapeOf(started.data.sale), expected, 'the sale:start ack');
    assert.deepEqual(shapeOf(joined.data.sale), expected, 'session:join');
    assert.deepEqual(shapeOf(session.body.activeFlashSale), expected, 'GET /api/v1/live-sessions/:id');
    for (const view of [socketSale, joined.data.sale, session.body.activeFlashSale]) {
      assert.deepEqual(
        [view.id, view.skuId, view.startsAt, view.endsAtMs, view.quantity, view.available, view.stock.available],
        [rest.body.id, rest.body.skuId, rest.body.startsAt, rest.body.endsAtMs, 3, 3, 3],
      );
    }
    assert.equal(Date.parse(rest.body.startsAt), rest.body.startsAtMs);
  });
});
