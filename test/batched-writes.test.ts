// Batched writes against the real Postgres: two batches carrying a buyer's twin keys in opposite
// order must wait for each other, not deadlock, and every key is written exactly once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ReservationStore } from '../services/inventory/src/adapters/reservation-store.js';
import { OrderStore } from '../services/order/src/adapters/order-store.js';
import { Api, createFlashSale } from '../test-support/api.js';
import { isolate } from '../test-support/isolation.js';
import { startCore } from '../test-support/platform.js';
import type { Pool } from '@lc/kit';

const nextTurn = () => new Promise((r) => setImmediate(r));

/**
 * Sends `first` and then `second` as two concurrent batches while an open transaction holds the
 * key `blocked`, so both batches are mid-statement when it goes away; returns every call's answer.
 */
async function crossedBatches(pool: Pool, blockWith: string, write: (key: string) => Promise<boolean>, first: string[], second: string[]) {
  const blocker = await pool.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(blockWith);
    const a = first.map(write);
    await nextTurn();
    const b = second.map(write);
    // Both batches are now waiting on the blocker's uncommitted key.
    await new Promise((r) => setTimeout(r, 300));
    await blocker.query('ROLLBACK');
    return await Promise.all([...a, ...b]);
  } finally {
    blocker.release();
  }
}

describe('batched writes', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  let flashSaleId: string;
  before(async () => {
    core = await startCore(iso);
    ({ flashSaleId } = await createFlashSale(await Api.login(core.url, 'leader-1'), { quantity: 10, perBuyerLimit: 10 }));
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('holds - twin keys in crossed batches are each recorded once, without a deadlock', async () => {
    const pool = core.inventory.runtime.pool!;
    const holds = new ReservationStore(pool);
    const write = (key: string) => holds.insertHold({ id: randomUUID(), flashSaleId, buyerId: 'buyer-1', qty: 1, key, expiresAtMs: Date.now() + 60_000 });
    const answers = await crossedBatches(
      pool,
      `INSERT INTO reservations (id, flash_sale_id, buyer_id, qty, idempotency_key, status, expires_at)
       VALUES ('${randomUUID()}', '${flashSaleId}', 'buyer-1', 1, 'k-x', 'HELD', now())`,
      write,
      ['k-1', 'k-x', 'k-2'],
      ['k-2', 'k-x', 'k-1'],
    );
    assert.equal(answers.filter(Boolean).length, 3, 'three keys, three rows');
    const { rows } = await pool.query<{ idempotency_key: string; n: number }>(
      `SELECT idempotency_key, COUNT(*)::int AS n FROM reservations WHERE flash_sale_id = $1 AND idempotency_key LIKE 'k-%' GROUP BY 1 ORDER BY 1`,
      [flashSaleId],
    );
    assert.deepEqual(rows.map((r) => [r.idempotency_key, r.n]), [['k-1', 1], ['k-2', 1], ['k-x', 1]]);
  });

  it('orders - twin keys in crossed batches make one order each, without a deadlock', async () => {
    const pool = core.order.runtime.pool!;
    const orders = new OrderStore(pool);
    const write = async (key: string) =>
      (await orders.insert({
        id: randomUUID(),
        buyerId: 'buyer-2',
        leaderId: '',
        liveSessionId: '',
        flashSaleId,
        skuId: 'sku',
        warehouseId: 'wh-1',
        qty: 1,
        unitPriceFen: 100,
        totalFen: 100,
        status: 'PENDING_PAYMENT',
        reservationId: randomUUID(),
        paymentDeadlineMs: Date.now() + 60_000,
        idempotencyKey: key,
        requestHash: 'h',
        pickupPointId: 'pp-leader-1',
        groupBuyId: '',
      })) !== undefined;
    const answers = await crossedBatches(
      pool,
      `INSERT INTO orders (id, buyer_id, flash_sale_id, sku_id, qty, unit_price_fen, total_fen, status, reservation_id, payment_deadline, idempotency_key, request_hash)
       VALUES ('${randomUUID()}', 'buyer-2', '${flashSaleId}', 'sku', 1, 100, 100, 'PENDING_PAYMENT', '${randomUUID()}', now(), 'k-x', 'h')`,
      write,
      ['k-1', 'k-x', 'k-2'],
      ['k-2', 'k-x', 'k-1'],
    );
    assert.equal(answers.filter(Boolean).length, 3, 'three keys, three orders');
    const { rows } = await pool.query<{ idempotency_key: string; n: number }>(
      `SELECT idempotency_key, COUNT(*)::int AS n FROM orders WHERE buyer_id = 'buyer-2' GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(rows.map((r) => [r.idempotency_key, r.n]), [['k-1', 1], ['k-2', 1], ['k-x', 1]]);
  });
});
