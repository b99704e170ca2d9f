// The buyer's path through the REST API: place → pay → read, with idempotency and ownership.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale, servedLeader, shareToken } from '../../../test-support/api.js';
import { published } from '../../../test-support/events.js';
import { poll } from '../../../test-support/poll.js';

/**
 * Counts the statements a pool's clients send on behalf of `work` (and what it awaits), not the
 * service's background passes (outbox relay, expiry) running meanwhile.
 */
function roundTrips(pool: pg.Pool) {
  const counting = new AsyncLocalStorage<string[]>();
  const wrapped = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const sent = args[0] as string | { text: string };
      counting.getStore()?.push((typeof sent === 'string' ? sent : sent.text).replace(/\s+/g, ' ').slice(0, 60));
      return query(...args);
    };
  });
  return async <T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> => {
    const statements: string[] = [];
    const result = await counting.run(statements, work);
    return { result, statements };
  };
}

describe('orders api', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let leader: Api;
  let alice: Api;
  let bob: Api;

  before(async () => {
    core = await startCore(iso);
    leader = await Api.login(core.url, 'leader-1');
    alice = await Api.login(core.url, 'buyer-101');
    bob = await Api.login(core.url, 'buyer-102');
    // alice's first order comes through leader-2's link: their point is where it goes.
    await servedLeader(core.url, 'leader-2');
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('orders - place, pay and read back with a timeline; the pool counts follow', async () => {
    const { flashSaleId, skuId } = await createFlashSale(leader, { quantity: 10, perBuyerLimit: 2 });
    const placed = await alice.post('/api/v1/orders', { flashSaleId, skuId, qty: 2, shareToken: await shareToken(alice.base, 'leader-2') }, { 'idempotency-key': 'k1' });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.status, 'PENDING_PAYMENT');
    assert.equal(placed.body.totalFen, 5980);
    assert.equal(placed.body.leaderId, 'leader-2');
    let stats = await alice.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.quantity, stats.body.held, stats.body.sold, stats.body.available], [10, 2, 0, 8]);

    const paid = await alice.post(`/api/v1/orders/${placed.body.id}/pay`);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.status, 'PAID');
    assert.deepEqual(paid.body.timeline.map((t: { status: string }) => t.status), ['PENDING_PAYMENT', 'PAID']);
    stats = await alice.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.sold, stats.body.available], [0, 2, 8]);

    const mine = await alice.get('/api/v1/orders');
    assert.deepEqual(mine.body.orders.map((o: { id: string }) => o.id), [placed.body.id]);
  });

  it('orders - the same key returns the same order; another body with it is a 409', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 3 });
    const first = await alice.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'same' });
    const again = await alice.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'same' });
    assert.equal(first.status, 201);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    const other = await alice.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'same' });
    assert.equal(other.status, 409);
    assert.equal(other.body.code, 'IDEMPOTENCY_KEY_REUSED');
    const stats = await alice.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.equal(stats.body.held, 1);
  });

  it('orders - the limit and sold-out answers are 409s with their codes', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 3, perBuyerLimit: 2 });
    assert.equal((await alice.post('/api/v1/orders', { flashSaleId, qty: 2 }, { 'idempotency-key': 'a' })).status, 201);
    const limit = await alice.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'b' });
    assert.deepEqual([limit.status, limit.body.code], [409, 'LIMIT_REACHED']);
    assert.equal((await bob.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'a' })).status, 201);
    const sold = await bob.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'c' });
    assert.deepEqual([sold.status, sold.body.code], [409, 'SOLD_OUT']);
  });

  it('authorization - a buyer cannot read, pay or cancel another buyer\'s order', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 2 });
    const placed = await alice.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'mine' });
    for (const attempt of [bob.get(`/api/v1/orders/${placed.body.id}`), bob.post(`/api/v1/orders/${placed.body.id}/pay`), bob.post(`/api/v1/orders/${placed.body.id}/cancel`)]) {
      const r = await attempt;
      assert.equal(r.status, 404, JSON.stringify(r.body));
    }
    const still = await alice.get(`/api/v1/orders/${placed.body.id}`);
    assert.equal(still.body.status, 'PENDING_PAYMENT');
    const carol = await Api.login(core.url, 'buyer-103');
    assert.equal((await carol.get('/api/v1/orders')).body.orders.length, 0);
    assert.equal((await carol.get(`/api/v1/orders/${placed.body.id}`)).status, 404);
    assert.equal((await leader.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': 'x' })).status, 403);
    assert.equal((await alice.post('/api/v1/flash-sales', {})).status, 403);
  });

  it('orders - a buyer cancels and the units go back once', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 4, perBuyerLimit: 4 });
    const placed = await alice.post('/api/v1/orders', { flashSaleId, qty: 3 }, { 'idempotency-key': 'c1' });
    const cancelled = await alice.post(`/api/v1/orders/${placed.body.id}/cancel`);
    assert.equal(cancelled.body.status, 'CANCELLED');
    const twice = await alice.post(`/api/v1/orders/${placed.body.id}/cancel`);
    assert.equal(twice.status, 409);
    const stats = await alice.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual([stats.body.held, stats.body.sold, stats.body.available], [0, 0, 4]);
    assert.equal((await alice.post(`/api/v1/orders/${placed.body.id}/pay`)).status, 409);
  });

  it('orders - paying takes 6 Postgres round trips and cancelling 2, whatever the timeline holds', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 2 });
    const place = async (key: string) => {
      const r = await bob.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': key });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body as { id: string; buyerId: string };
    };
    const [toPay, toCancel] = [await place('trips-pay'), await place('trips-cancel')];
    const during = roundTrips(core.order.runtime.pool!);
    // The order and its timeline; the intent; the payment with its callback's record; the order
    // again; the move to PAID with everything it writes; the order as answered.
    const paid = await during(() => core.order.orders.pay(toPay.id, toPay.buyerId));
    assert.equal(paid.result.order.status, 'PAID');
    assert.deepEqual(paid.result.order.timeline.map((t) => t.status), ['PENDING_PAYMENT', 'PAID']);
    assert.ok(paid.statements.length <= 6, `pay took ${paid.statements.length} round trips:\n${paid.statements.join('\n')}`);
    // The order and its timeline; the move to CANCELLED with its intents closed.
    const cancelled = await during(() => core.order.orders.cancel(toCancel.id, toCancel.buyerId));
    assert.equal(cancelled.result.status, 'CANCELLED');
    assert.deepEqual(cancelled.result.timeline.map((t) => t.status), ['PENDING_PAYMENT', 'CANCELLED']);
    assert.ok(cancelled.statements.length <= 2, `cancel took ${cancelled.statements.length} round trips:\n${cancelled.statements.join('\n')}`);
    // Each single statement wrote its event: both reach the stream, with the order's new status.
    const events = async (subject: string, orderId: string) => (await published<{ orderId: string; status: string }>(iso, 'ORDER', subject)).filter((e) => e.orderId === orderId).map((e) => e.status);
    await poll('both events', async () => ((await events('order.paid', toPay.id)).length && (await events('order.cancelled', toCancel.id)).length ? true : undefined));
    assert.deepEqual([await events('order.paid', toPay.id), await events('order.cancelled', toCancel.id)], [['PAID'], ['CANCELLED']]);
  });

  it('orders - a column added to orders and payments under the running service leaves its prepared reads and moves working', async () => {
    const { flashSaleId } = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 2 });
    const pool = core.order.runtime.pool!;
    const place = async (key: string) => (await bob.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': key })).body as { id: string; buyerId: string };
    // Every statement of the pay path prepared on the pool's connections first.
    const first = await place('migrate-1');
    assert.equal((await core.order.orders.pay(first.id, first.buyerId)).order.status, 'PAID');
    // As a newer replica's migration would, while this one keeps its connections.
    await pool.query('ALTER TABLE orders ADD COLUMN later_column text; ALTER TABLE payments ADD COLUMN later_column text');
    try {
      const second = await place('migrate-2');
      const paid = await core.order.orders.pay(second.id, second.buyerId);
      assert.deepEqual([paid.order.status, paid.order.timeline.map((t) => t.status)], ['PAID', ['PENDING_PAYMENT', 'PAID']]);
      assert.equal((await core.order.orders.get(first.id, first.buyerId)).status, 'PAID');
    } finally {
      await pool.query('ALTER TABLE orders DROP COLUMN later_column; ALTER TABLE payments DROP COLUMN later_column');
    }
  });
});

