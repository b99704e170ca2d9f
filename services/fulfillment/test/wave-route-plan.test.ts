// A wave's current plan (GetWaveRoutePlan), what the warehouse console reads after a reload: none
// before planning, the one being computed while it runs, the finished one with its routes after,
// and still the finished one when a later plan's pod died. Staff of another warehouse are
// refused (FORBIDDEN), a wave nobody has is NOT_FOUND.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connect } from 'nats';
import { isDomainError, RpcClient } from '@lc/kit';
import type { FulfillmentServiceClient } from '@lc/contracts';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';
import { startFulfillmentAlone } from '../../../test-support/platform.js';

const OPERATOR = { userId: 'admin-1', role: 'admin', warehouseId: '' };
const STAFF = { userId: 'warehouse-1', role: 'warehouse', warehouseId: 'wh-1' };
const FOREIGN_STAFF = { userId: 'warehouse-2', role: 'warehouse', warehouseId: 'wh-2' };

const refusedWith = (code: string, message: RegExp) => (e: unknown) => isDomainError(e) && e.code === code && message.test(e.message);

describe('wave route plan', () => {
  const iso = isolate();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const schema = iso.env('fulfillment').DB_SCHEMA;
  let client: RpcClient<FulfillmentServiceClient>;
  let stop: () => Promise<void>;
  let waveId = '';

  const current = (actor = STAFF) => client.call((c) => c.getWaveRoutePlan, { actor, waveId });

  before(async () => {
    ({ client, stop } = await startFulfillmentAlone(iso, { WAVE_CLOSE_INTERVAL_MS: '0', ROUTE_PLAN_LEASE_MS: '30000' }));
    await client.call((c) => c.createWarehouse, {
      warehouse: {
        id: 'wh-1', name: 'Shanghai DC', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', shiftStart: '06:00', shiftEnd: '20:00', cutoff: '22:00',
        driverIds: ['driver-1', 'driver-2'], vehicles: [{ id: 'van-1', capacity: 4, shiftStart: '', shiftEnd: '', driverId: '' }, { id: 'van-2', capacity: 4, shiftStart: '', shiftEnd: '', driverId: '' }],
      },
    });
    const points = [[31.2397, 121.4998], [31.2204, 121.4465], [31.195, 121.437]] as const;
    for (const [i, [lat, lng]] of points.entries()) {
      await client.call((c) => c.createPickupPoint, {
        actor: OPERATOR,
        pickupPoint: { id: `pp-${i + 1}`, warehouseId: 'wh-1', leaderId: `leader-${i + 1}`, name: `point ${i + 1}`, address: '', lat, lng, opensAt: '08:00', closesAt: '20:00', serviceMinutes: 5, dailyCapacity: 200 },
      });
    }
    const nc = await connect({ servers: NATS_URL });
    const js = nc.jetstream();
    for (let i = 0; i < 6; i++) {
      const paid = { orderId: `order-${i}`, buyerId: `buyer-${i}`, leaderId: `leader-${(i % 3) + 1}`, skuId: 'sku-1', warehouseId: 'wh-1', qty: 1, status: 'PAID', atMs: Date.now() };
      await js.publish(`${iso.id}.order.paid`, JSON.stringify(paid), { msgID: `paid-${i}` });
    }
    await nc.close();
    const wave = await poll('six orders in the wave', async () => {
      const { waves } = await client.call((c) => c.listWaves, { actor: OPERATOR, warehouseId: 'wh-1' });
      return waves[0]?.orderCount === 6 ? waves[0] : undefined;
    });
    await client.call((c) => c.closeWave, { actor: OPERATOR, warehouseId: 'wh-1', deliveryDate: wave.deliveryDate });
    waveId = wave.id;
  });
  after(async () => {
    await stop?.();
    await db.end();
    await iso.cleanup();
  });

  it('refuses staff of another warehouse and other roles; a wave nobody has is not found', async () => {
    await assert.rejects(current(FOREIGN_STAFF), refusedWith('FORBIDDEN', /^waveId: wave .* belongs to another warehouse/));
    await assert.rejects(current({ userId: 'driver-1', role: 'driver', warehouseId: '' }), refusedWith('FORBIDDEN', /role driver/));
    await assert.rejects(current({ userId: '', role: '', warehouseId: '' }), refusedWith('UNAUTHENTICATED', /actor/));
    const missing = { actor: STAFF, waveId: '00000000-0000-4000-8000-000000000000' };
    await assert.rejects(client.call((c) => c.getWaveRoutePlan, missing), refusedWith('NOT_FOUND', /^waveId: no wave/));
    await assert.rejects(client.call((c) => c.getWaveRoutePlan, { ...missing, actor: FOREIGN_STAFF }), refusedWith('NOT_FOUND', /^waveId: no wave/), 'missing is missing to everyone');
    // The same line for the wave's pick lists and its warehouse's waves.
    await assert.rejects(client.call((c) => c.getPickLists, { actor: FOREIGN_STAFF, waveId }), refusedWith('FORBIDDEN', /another warehouse/));
    await assert.rejects(client.call((c) => c.listWaves, { actor: FOREIGN_STAFF, warehouseId: 'wh-1' }), refusedWith('FORBIDDEN', /you work for wh-2, not wh-1/));
    await assert.rejects(client.call((c) => c.listWaves, { actor: FOREIGN_STAFF, warehouseId: 'wh-404' }), refusedWith('NOT_FOUND', /wh-404/));
  });

  it('none before planning; the running plan while it is computed; the finished one with its routes after', async () => {
    const before = await current();
    assert.equal(before.wave?.id, waveId);
    assert.equal(before.plan, undefined);

    const started = (await client.call((c) => c.planRoutes, { actor: STAFF, waveId, timeLimitMs: 60_000, driverIds: [], wait: false })).plan!;
    assert.equal(started.status, 'PLANNING');
    const running = (await current()).plan!;
    assert.equal(running.id, started.id);
    assert.equal(running.status, 'PLANNING');
    assert.equal(running.timeLimitMs, 60_000);

    await client.call((c) => c.finishRoutePlan, { actor: STAFF, planId: started.id });
    const done = await poll('the plan to end', async () => {
      const { plan } = await current();
      return plan?.status === 'PLANNING' ? undefined : plan;
    }, 30_000);
    assert.equal(done.id, started.id);
    assert.equal(done.status, 'DONE', JSON.stringify(done));
    assert.equal(done.routes.length, 2, 'six bags in vans of four');
    assert.deepEqual(done, (await client.call((c) => c.getRoutePlan, { actor: STAFF, planId: started.id })).plan);
    for (const r of done.routes) {
      assert.equal(r.status, 'PLANNED');
      assert.ok(['driver-1', 'driver-2'].includes(r.driverId));
      assert.deepEqual(r.stops.map((s) => s.sequence), r.stops.map((_, i) => i + 1), 'stops in driving order');
      for (const s of r.stops) assert.match(s.pickupPointName, /^point [1-3]$/);
    }
    assert.deepEqual((await current(OPERATOR)).plan, done, 'an operator sees it too');
  });

  it('a later plan whose pod died is abandoned, and the finished plan before it stays the current one', async () => {
    const finished = (await current()).plan!;
    const stalled = (await client.call((c) => c.planRoutes, { actor: STAFF, waveId, timeLimitMs: 60_000, driverIds: [], wait: false })).plan!;
    assert.notEqual(stalled.id, finished.id);
    assert.equal((await current()).plan!.id, stalled.id);
    // As if its pod had died: the lease ran out.
    await db.query(`UPDATE ${schema}.route_plans SET lease_until = now() - interval '1 second' WHERE id = $1`, [stalled.id]);
    const now = (await current()).plan!;
    assert.equal(now.id, finished.id);
    assert.deepEqual(now.routes.map((r) => r.id).sort(), finished.routes.map((r) => r.id).sort());
    const { rows } = await db.query(`SELECT status FROM ${schema}.route_plans WHERE id = $1`, [stalled.id]);
    assert.equal(rows[0].status, 'ABANDONED');
  });
});
