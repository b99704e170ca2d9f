// Paid orders that arrived before their warehouse existed join its wave once it does, even when
// the pod that created the warehouse died before adopting them: the sweeper adopts them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connect } from 'nats';
import type { RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient } from '@lc/contracts';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';
import { startFulfillmentAlone } from '../../../test-support/platform.js';

/** Waves and plans are staff work; the operator may act on every warehouse. */
const OPERATOR = { userId: 'admin-1', role: 'admin', warehouseId: '' };

describe('waiting orders', () => {
  const iso = isolate();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const schema = iso.env('fulfillment').DB_SCHEMA;
  let stop: () => Promise<void>;
  let client: RpcClient<FulfillmentServiceClient>;

  before(async () => {
    ({ client, stop } = await startFulfillmentAlone(iso, { WAVE_CLOSE_INTERVAL_MS: '200' }));
  });
  after(async () => {
    await stop?.();
    await db.end();
    await iso.cleanup();
  });

  it('waves - orders left waiting by a pod that died after creating their warehouse are adopted by the sweeper', async () => {
    const nc = await connect({ servers: NATS_URL });
    const js = nc.jetstream();
    for (let i = 0; i < 3; i++) {
      const paid = { orderId: `order-${i}`, buyerId: `buyer-${i}`, leaderId: 'leader-1', skuId: 'sku-1', warehouseId: 'wh-late', qty: 1, status: 'PAID', atMs: Date.now() };
      await js.publish(`${iso.id}.order.paid`, JSON.stringify(paid), { msgID: `paid-${i}` });
    }
    await nc.close();
    await poll('three orders waiting for their warehouse', async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${schema}.wave_orders WHERE status = 'NO_WAREHOUSE'`);
      return rows[0].n === 3 ? true : undefined;
    });
    // The warehouse as createWarehouse committed it, with no adoption after (the pod died there).
    await db.query(`INSERT INTO ${schema}.warehouses (id, name, lat, lng, time_zone) VALUES ('wh-late', 'Late DC', 31.23, 121.47, 'Asia/Shanghai')`);
    const wave = await poll('the orders in a wave of wh-late', async () => {
      const { waves } = await client.call((c) => c.listWaves, { actor: OPERATOR, warehouseId: 'wh-late' });
      return waves[0]?.orderCount === 3 ? waves[0] : undefined;
    });
    assert.equal(wave.status, 'OPEN');
    const { rows } = await db.query(`SELECT status, count(*)::int AS n FROM ${schema}.wave_orders GROUP BY status`);
    assert.deepEqual(rows, [{ status: 'IN_WAVE', n: 3 }]);
  });
});
