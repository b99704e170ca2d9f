// A flash-sale storm: many buyers tapping "buy" at once (some taps repeated with the same key),
// and the invariants that must hold afterwards, read from the systems of record.
import assert from 'node:assert/strict';
import pg from 'pg';
import { Api } from './api.js';
import { DATABASE_URL } from './isolation.js';

export interface StormResult {
  acknowledged: { buyer: string; key: string; orderId: string }[];
  refusals: Record<string, number>;
  failures: number;
  /** 500 answers: faults may make the platform say "try again" (503), never "internal error". */
  internalErrors: number;
}

export async function loginBuyers(url: string, count: number, offset = 1000): Promise<Api[]> {
  const buyers: Api[] = [];
  for (let i = 0; i < count; i += 50) {
    buyers.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => Api.login(url, `buyer-${offset + i + j}`)))));
  }
  return buyers;
}

/** Every buyer sends `keysPerBuyer` keys, each twice, all at once: buyers × keys × 2 attempts. */
export async function storm(buyers: Api[], flashSaleId: string, keysPerBuyer: number, during?: () => Promise<void>): Promise<StormResult> {
  const result: StormResult = { acknowledged: [], refusals: {}, failures: 0, internalErrors: 0 };
  const attempts: Promise<void>[] = [];
  buyers.forEach((buyer, b) => {
    for (let k = 0; k < keysPerBuyer; k++) {
      for (let repeat = 0; repeat < 2; repeat++) {
        const key = `storm-${b}-${k}`;
        attempts.push(
          (async () => {
            for (let tries = 0; tries < 20; tries++) {
              const r = await buyer.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': key }).catch(() => ({ status: 0, body: {} as Record<string, string> }));
              if (r.status === 201 || r.status === 200) {
                result.acknowledged.push({ buyer: r.body.buyerId, key, orderId: r.body.id });
                return;
              }
              if (r.status === 409) {
                result.refusals[r.body.code] = (result.refusals[r.body.code] ?? 0) + 1;
                return;
              }
              if (r.status === 500) result.internalErrors++;
              // 5xx or a dropped connection mid-fault: the buyer retries with the same key.
              await new Promise((res) => setTimeout(res, 100 + tries * 100));
            }
            result.failures++;
          })(),
        );
      }
    }
  });
  if (during) await during();
  await Promise.all(attempts);
  return result;
}

export interface Invariants {
  heldOrSold: number;
  orders: number;
}

/** Checks the flash-sale invariants in Postgres and returns the totals. */
export async function checkInvariants(opts: { inventorySchema: string; orderSchema: string; flashSaleId: string; quantity: number; limit: number; acknowledged: StormResult['acknowledged'] }): Promise<Invariants> {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const inv = opts.inventorySchema;
    const ord = opts.orderSchema;
    const total = await db.query(`SELECT COALESCE(SUM(qty), 0)::int AS n FROM ${inv}.reservations WHERE flash_sale_id = $1 AND status <> 'RELEASED'`, [opts.flashSaleId]);
    const heldOrSold = total.rows[0].n as number;
    assert.ok(heldOrSold <= opts.quantity, `oversold: ${heldOrSold} > ${opts.quantity}`);
    const over = await db.query(
      `SELECT buyer_id, SUM(qty)::int AS n FROM ${inv}.reservations WHERE flash_sale_id = $1 AND status <> 'RELEASED' GROUP BY buyer_id HAVING SUM(qty) > $2`,
      [opts.flashSaleId, opts.limit],
    );
    assert.equal(over.rowCount, 0, `buyers over the limit: ${JSON.stringify(over.rows)}`);
    // Every acknowledged order exists, and one key never produced two orders.
    const seen = new Map<string, string>();
    for (const a of opts.acknowledged) {
      const k = `${a.buyer}/${a.key}`;
      if (seen.has(k)) assert.equal(seen.get(k), a.orderId, `key ${k} answered with two orders`);
      seen.set(k, a.orderId);
    }
    const ids = [...new Set(opts.acknowledged.map((a) => a.orderId))];
    const found = await db.query(`SELECT id, reservation_id FROM ${ord}.orders WHERE id = ANY($1::uuid[])`, [ids]);
    assert.equal(found.rowCount, ids.length, 'an acknowledged order is missing');
    // Every order is backed by a live reservation and every live reservation by at most one order.
    const orphans = await db.query(
      `SELECT o.id FROM ${ord}.orders o LEFT JOIN ${inv}.reservations r ON r.id = o.reservation_id
       WHERE o.flash_sale_id = $1 AND o.status <> 'CANCELLED' AND (r.id IS NULL OR r.status = 'RELEASED')`,
      [opts.flashSaleId],
    );
    assert.equal(orphans.rowCount, 0, `orders without a live reservation: ${JSON.stringify(orphans.rows)}`);
    const orders = await db.query(`SELECT COUNT(*)::int AS n, COALESCE(SUM(qty), 0)::int AS q FROM ${ord}.orders WHERE flash_sale_id = $1 AND status <> 'CANCELLED'`, [opts.flashSaleId]);
    assert.ok(orders.rows[0].q <= heldOrSold, 'more units ordered than held or sold');
    return { heldOrSold, orders: orders.rows[0].n };
  } finally {
    await db.end();
  }
}
