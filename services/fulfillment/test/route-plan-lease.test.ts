// Stuck work recovers: two fulfillment processes share Postgres; the one planning a wave is
// SIGKILLed mid-solve. While its lease is live the wave's plan stays its own (no second solver,
// from either pod); after the lease runs out the next request abandons it and plans again. A pod
// that only stalled past its lease stops solving and never writes its late result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connect } from 'nats';
import { RpcClient } from '@lc/kit';
import { FulfillmentServiceClient } from '@lc/contracts';
import { DATABASE_URL, NATS_URL, isolate } from '../../../test-support/isolation.js';
import { poll } from '../../../test-support/poll.js';
import { spawnService, startFulfillmentAlone, type ServiceProcess } from '../../../test-support/platform.js';

/** Waves and plans are staff work; the operator may act on every warehouse. */
const OPERATOR = { userId: 'admin-1', role: 'admin', warehouseId: '' };

const LEASE_MS = 4000;

/** A closed wave of eight parcels for four pickup points, fed by order.paid events. */
async function closedWave(a: RpcClient<FulfillmentServiceClient>, prefix: string): Promise<string> {
  await a.call((c) => c.createWarehouse, {
    warehouse: {
      id: 'wh-1', name: 'Shanghai DC', lat: 31.2304, lng: 121.4737, timeZone: 'Asia/Shanghai', shiftStart: '06:00', shiftEnd: '20:00', cutoff: '22:00',
      driverIds: ['driver-1', 'driver-2'], vehicles: [{ id: 'van-1', capacity: 4, shiftStart: '', shiftEnd: '', driverId: '' }, { id: 'van-2', capacity: 4, shiftStart: '', shiftEnd: '', driverId: '' }],
    },
  });
  const points = [[31.2397, 121.4998], [31.2204, 121.4465], [31.195, 121.437], [31.25, 121.46]] as const;
  for (const [i, [lat, lng]] of points.entries()) {
    await a.call((c) => c.createPickupPoint, {
      actor: { userId: `leader-${i + 1}`, role: 'leader', warehouseId: '' },
      pickupPoint: { id: `pp-${i + 1}`, warehouseId: 'wh-1', leaderId: '', name: `point ${i + 1}`, address: '', lat, lng, opensAt: '08:00', closesAt: '20:00', serviceMinutes: 5, dailyCapacity: 200 },
    });
  }
  const nc = await connect({ servers: NATS_URL });
  const js = nc.jetstream();
  for (let i = 0; i < 8; i++) {
    const paid = { orderId: `order-${i}`, buyerId: `buyer-${i}`, leaderId: `leader-${(i % 4) + 1}`, skuId: 'sku-1', warehouseId: 'wh-1', qty: 1, status: 'PAID', atMs: Date.now() };
    await js.publish(`${prefix}.order.paid`, JSON.stringify(paid), { msgID: `paid-${i}` });
  }
  await nc.close();
  const wave = await poll('eight orders in the wave', async () => {
    const { waves } = await a.call((c) => c.listWaves, { actor: OPERATOR, warehouseId: 'wh-1' });
    return waves[0]?.orderCount === 8 ? waves[0] : undefined;
  });
  const { wave: closed } = await a.call((c) => c.closeWave, { actor: OPERATOR, warehouseId: 'wh-1', deliveryDate: wave.deliveryDate });
  assert.equal(closed!.status, 'CLOSED');
  return wave.id;
}


/** Pods of one deployment (same schema, same streams), each with a client. */
async function addPods(env: Record<string, string>, n: number, procs: ServiceProcess[], clients: RpcClient<FulfillmentServiceClient>[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const p = await spawnService('fulfillment', env);
    procs.push(p);
    clients.push(new RpcClient(FulfillmentServiceClient, `127.0.0.1:${p.grpcPort}`));
  }
}

async function stopPods(procs: ServiceProcess[], clients: RpcClient<FulfillmentServiceClient>[]): Promise<void> {
  for (const c of clients) c.close();
  for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
}

describe('route plan lease', () => {
  const iso = isolate();
  const env: Record<string, string> = { ...iso.env('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0', ROUTE_PLAN_LEASE_MS: String(LEASE_MS) };
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  const schema = env.DB_SCHEMA;
  const procs: ServiceProcess[] = [];
  const clients: RpcClient<FulfillmentServiceClient>[] = [];
  let waveId = '';

  const plan = (client: RpcClient<FulfillmentServiceClient>, timeLimitMs: number) =>
    client.call((c) => c.planRoutes, { actor: OPERATOR, waveId, timeLimitMs, driverIds: [], wait: false }, { deadlineMs: 15_000 }).then((r) => r.plan!);
  const plansOfWave = async () =>
    (await db.query(`SELECT id, status, owner, error, lease_until, lease_until > now() AS live, progress FROM ${schema}.route_plans WHERE wave_id = $1 ORDER BY created_at`, [waveId])).rows;

  before(() => addPods(env, 2, procs, clients));
  after(async () => {
    await stopPods(procs, clients);
    await db.end();
    await iso.cleanup();
  });

  it('set-up - a closed wave with parcels for four pickup points', async () => {
    waveId = await closedWave(clients[0]!, iso.id);
  });

  it('plans - while the planning pod lives its lease is renewed and every request, from either pod, gets its plan', async () => {
    const [a, b] = clients;
    const first = await plan(a!, 60_000);
    assert.equal(first.status, 'PLANNING');
    const [row] = await plansOfWave();
    assert.match(row.owner, new RegExp(`/${procs[0]!.child.pid}/`), 'the plan is leased by the pod that started it');
    await poll('the solver to report progress', async () => ((await plansOfWave())[0].progress.phase ? true : undefined));
    const before = (await plansOfWave())[0].lease_until as Date;
    await new Promise((r) => setTimeout(r, LEASE_MS / 2));
    const renewed = (await plansOfWave())[0].lease_until as Date;
    assert.ok(renewed > before, `lease renewed while solving (${before.toISOString()} → ${renewed.toISOString()})`);

    const answers = await Promise.all([a, b, a, b, b].map((c) => plan(c!, 500)));
    assert.deepEqual(new Set(answers.map((p) => p.id)), new Set([first.id]));
    assert.ok(answers.every((p) => p.status === 'PLANNING' && p.timeLimitMs === 60_000));
    assert.equal((await plansOfWave()).length, 1, 'no second plan, so no second solver');
  });

  it('plans - the planning pod is SIGKILLed: its plan holds until the lease runs out, then the next request re-plans and completes', async () => {
    const [, b] = clients;
    const [dying] = await plansOfWave();
    procs[0]!.child.kill('SIGKILL');
    assert.equal((await procs[0]!.exited).signal, 'SIGKILL');

    // The lease is still live: the surviving pod answers with the dead pod's plan, as before.
    const held = await plan(b!, 500);
    assert.equal(held.id, dying.id);
    assert.equal(held.status, 'PLANNING');
    assert.equal((await plansOfWave()).length, 1);

    await poll('the dead pod’s lease to run out', async () => ((await plansOfWave())[0].live ? undefined : true), LEASE_MS * 3);
    assert.equal((await plansOfWave())[0].status, 'PLANNING', 'nothing ends the plan by itself before a request comes');
    // Several requests at once after the lease: one takes over, the rest get its plan.
    const takeovers = await Promise.all([b, b, b, b].map((c) => plan(c!, 500)));
    const newIds = new Set(takeovers.map((p) => p.id));
    assert.equal(newIds.size, 1, JSON.stringify(takeovers.map((p) => p.id)));
    const [newId] = [...newIds];
    assert.notEqual(newId, dying.id);

    const rows = await plansOfWave();
    assert.equal(rows.length, 2);
    assert.equal(rows[0].status, 'ABANDONED');
    assert.match(rows[0].error, /planning stopped: its planner \(.+\) last renewed the lease until .+; plan the wave again/);
    assert.match(rows[1].owner, new RegExp(`/${procs[1]!.child.pid}/`));

    const done = await poll('the new plan', async () => {
      const { plan: p } = await b!.call((c) => c.getRoutePlan, { actor: OPERATOR, planId: newId! });
      return p!.status === 'PLANNING' ? undefined : p!;
    }, 30_000);
    assert.equal(done.status, 'DONE', JSON.stringify(done));
    assert.equal(done.routes.length, 2, 'eight bags in vans of four');
    assert.deepEqual(done.unserved, []);
    const { plan: abandoned } = await b!.call((c) => c.getRoutePlan, { actor: OPERATOR, planId: dying.id });
    assert.equal(abandoned!.status, 'ABANDONED');
    assert.deepEqual(abandoned!.routes, []);
  });

  it('plans - a poller of a plan whose pod died sees it end instead of PLANNING forever', async () => {
    // The surviving pod dies too, mid-plan; a third pod comes up and only reads the plan.
    const [, b] = clients;
    const started = await b!.call((c) => c.planRoutes, { actor: OPERATOR, waveId, timeLimitMs: 60_000, driverIds: [], wait: false }, { deadlineMs: 15_000 });
    assert.equal(started.plan!.status, 'PLANNING');
    procs[1]!.child.kill('SIGKILL');
    await procs[1]!.exited;
    const c = await spawnService('fulfillment', env);
    procs.push(c);
    const client = new RpcClient(FulfillmentServiceClient, `127.0.0.1:${c.grpcPort}`);
    clients.push(client);
    const ended = await poll('the plan to end', async () => {
      const { plan: p } = await client.call((x) => x.getRoutePlan, { actor: OPERATOR, planId: started.plan!.id });
      return p!.status === 'PLANNING' ? undefined : p!;
    }, LEASE_MS * 3);
    assert.equal(ended.status, 'ABANDONED');
    assert.match(ended.error, /lease/);
    // The wave's earlier routes (from the completed plan) are untouched by the abandoned one.
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${schema}.routes WHERE wave_id = $1 AND NOT superseded`, [waveId]);
    assert.equal(rows[0].n, 2);
  });
});

describe('route plan lease - a stalled pod', () => {
  const iso = isolate();
  const db = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  let service: Awaited<ReturnType<typeof startFulfillmentAlone>>['service'];
  let stop: () => Promise<void>;
  let client: RpcClient<FulfillmentServiceClient>;

  before(async () => {
    // A long lease, so the test (not the heartbeat) decides when it has run out.
    ({ service, client, stop } = await startFulfillmentAlone(iso, { WAVE_CLOSE_INTERVAL_MS: '0', ROUTE_PLAN_LEASE_MS: '30000' }));
  });
  after(async () => {
    await stop?.();
    await db.end();
    await iso.cleanup();
  });

  it('plans - a pod whose lease ran out while it still solved stops, and its late result never replaces the new plan', async () => {
    const waveId = await closedWave(client, iso.id);
    const schema = iso.env('fulfillment').DB_SCHEMA;
    const stalled = (await client.call((c) => c.planRoutes, { actor: OPERATOR, waveId, timeLimitMs: 60_000, driverIds: [], wait: false })).plan!;
    assert.equal(stalled.status, 'PLANNING');
    // As if the pod had stalled past its lease (a long pause, a partition from Postgres).
    await db.query(`UPDATE ${schema}.route_plans SET lease_until = now() - interval '1 second' WHERE id = $1`, [stalled.id]);
    const fresh = (await client.call((c) => c.planRoutes, { actor: OPERATOR, waveId, timeLimitMs: 500, driverIds: [], wait: true }, { deadlineMs: 40_000 })).plan!;
    assert.notEqual(fresh.id, stalled.id);
    assert.equal(fresh.status, 'DONE', JSON.stringify(fresh));
    assert.equal(fresh.routes.length, 2);

    // The stalled solver notices at its next renewal and stops long before its 60 s.
    const started = Date.now();
    await service.planner.drain();
    assert.ok(Date.now() - started < 20_000, `the stalled solve stopped (${Date.now() - started} ms)`);
    const { plan: old } = await client.call((c) => c.getRoutePlan, { actor: OPERATOR, planId: stalled.id });
    assert.equal(old!.status, 'ABANDONED');
    assert.deepEqual(old!.routes, []);
    const { rows } = await db.query(`SELECT plan_id, count(*)::int AS n FROM ${schema}.routes WHERE wave_id = $1 AND NOT superseded GROUP BY plan_id`, [waveId]);
    assert.deepEqual(rows, [{ plan_id: fresh.id, n: 2 }]);
  });
});

describe('route plan - finish now', () => {
  const iso = isolate();
  // A short lease: the pod asked to finish may not be the one solving, which hears of it when it renews.
  const env = { ...iso.env('fulfillment'), WAVE_CLOSE_INTERVAL_MS: '0', ROUTE_PLAN_LEASE_MS: '3000' };
  const procs: ServiceProcess[] = [];
  const clients: RpcClient<FulfillmentServiceClient>[] = [];

  before(() => addPods(env, 2, procs, clients));
  after(async () => {
    await stopPods(procs, clients);
    await iso.cleanup();
  });

  it('plans - staff ask another pod to finish a 60 s plan: the solving pod stops within a lease renewal and writes its best routes so far', async () => {
    const [a, b] = clients;
    const waveId = await closedWave(a!, iso.id);
    const started = (await a!.call((c) => c.planRoutes, { actor: OPERATOR, waveId, timeLimitMs: 60_000, driverIds: [], wait: false })).plan!;
    assert.equal(started.status, 'PLANNING');
    assert.equal(started.finishRequested, false);
    await poll('the solver to report progress', async () => {
      const { plan: p } = await b!.call((c) => c.getRoutePlan, { actor: OPERATOR, planId: started.id });
      return p!.progress?.phase && p!.progress.phase !== 'starting' ? true : undefined;
    });
    const asked = Date.now();
    const answer = (await b!.call((c) => c.finishRoutePlan, { actor: OPERATOR, planId: started.id })).plan!;
    assert.equal(answer.id, started.id);
    assert.equal(answer.finishRequested, true);
    const done = await poll('the plan to end', async () => {
      const { plan: p } = await b!.call((c) => c.getRoutePlan, { actor: OPERATOR, planId: started.id });
      return p!.status === 'PLANNING' ? undefined : p!;
    }, 30_000);
    assert.equal(done.status, 'DONE', JSON.stringify(done));
    assert.ok(Date.now() - asked < 15_000, `finished ${Date.now() - asked} ms after the request, not at the 60 s limit`);
    assert.ok(done.progress!.elapsedMs < 30_000, `solved for ${done.progress!.elapsedMs} ms`);
    assert.equal(done.routes.length, 2, 'eight bags in vans of four');
    assert.deepEqual(done.unserved, []);

    // Asking again, or asking about a plan that ended, changes nothing.
    const again = (await a!.call((c) => c.finishRoutePlan, { actor: OPERATOR, planId: started.id })).plan!;
    assert.equal(again.status, 'DONE');
    assert.deepEqual(again.routes.map((r) => r.id).sort(), done.routes.map((r) => r.id).sort());
    await assert.rejects(a!.call((c) => c.finishRoutePlan, { actor: OPERATOR, planId: '00000000-0000-4000-8000-000000000000' }), /no route plan/);
  });
});
