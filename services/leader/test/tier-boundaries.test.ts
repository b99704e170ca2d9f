// Tier thresholds at their exact edges (¥5,000.00, ¥20,000.00, 40% repurchase, NPS 80, 20
// ratings) and one fen or point either side; then the same edges through the service: order
// events dated in one month, an admin's on-demand evaluation, and a demotion recorded with its
// reason and figures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { EventBus, RpcClient, createLogger } from '@lc/kit';
import { LeaderServiceClient } from '@lc/contracts';
import { evaluateTier, nps, type TierFigures } from '../src/domain/tiers.js';
import { Api, stockProduct } from '../../../test-support/api.js';
import { NATS_URL, isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { poll } from '../../../test-support/poll.js';

const figures = (over: Partial<TierFigures>): TierFigures => ({
  month: '2026-04', salesFen: 0, orders: 10, buyers: 10, repeatBuyers: 5, repurchaseRate: 0.5, ratings: 20, promoters: 20, detractors: 0, nps: 100, daysSinceJoined: 90, ...over,
});

describe('tier boundaries', () => {
  it('tier boundaries - monthly sales at ¥5,000.00 exactly is GROWING, one fen less is NEW', () => {
    assert.equal(evaluateTier(figures({ salesFen: 500_000 })).tier, 'GROWING');
    assert.equal(evaluateTier(figures({ salesFen: 499_999 })).tier, 'NEW');
    assert.equal(evaluateTier(figures({ salesFen: 500_001 })).tier, 'GROWING');
  });

  it('tier boundaries - ¥20,000.00 exactly is not STAR (it must be more); one fen more with NPS > 80 is', () => {
    assert.equal(evaluateTier(figures({ salesFen: 2_000_000 })).tier, 'GROWING');
    assert.equal(evaluateTier(figures({ salesFen: 1_999_999 })).tier, 'GROWING');
    assert.equal(evaluateTier(figures({ salesFen: 2_000_001 })).tier, 'STAR');
  });

  it('tier boundaries - repurchase rate 40% exactly does not make GROWING, just above does', () => {
    assert.equal(evaluateTier(figures({ salesFen: 600_000, buyers: 100, repeatBuyers: 40, repurchaseRate: 0.4 })).tier, 'NEW');
    assert.equal(evaluateTier(figures({ salesFen: 600_000, buyers: 100, repeatBuyers: 41, repurchaseRate: 0.41 })).tier, 'GROWING');
    assert.equal(evaluateTier(figures({ salesFen: 600_000, buyers: 100, repeatBuyers: 39, repurchaseRate: 0.39 })).tier, 'NEW');
  });

  it('tier boundaries - NPS 80 exactly is not STAR, 81 is; under 20 ratings never qualifies', () => {
    const at80 = nps([...Array(17).fill(10), 7, 8, 3]);
    assert.deepEqual(at80, { ratings: 20, promoters: 17, detractors: 1, nps: 80 });
    const at85 = nps([...Array(17).fill(9), 7, 8, 8]);
    assert.equal(at85.nps, 85);
    const at75 = nps([...Array(16).fill(10), 7, 8, 8, 0]);
    assert.equal(at75.nps, 75);
    const star = (n: ReturnType<typeof nps>) => evaluateTier(figures({ salesFen: 2_000_001, ...n })).tier;
    assert.equal(star(at80), 'GROWING');
    assert.equal(star({ ratings: 100, promoters: 81, detractors: 0, nps: 81 }), 'STAR');
    assert.equal(star({ ratings: 100, promoters: 79, detractors: 0, nps: 79 }), 'GROWING');
    assert.equal(star(at85), 'STAR');
    assert.equal(star(at75), 'GROWING');
    const nineteen = nps(Array(19).fill(10));
    assert.equal(nineteen.nps, null, 'fewer than 20 ratings is not qualifying');
    assert.equal(star(nineteen), 'GROWING');
  });

  it('tier boundaries - a STAR month is judged on GROWING terms when NPS misses, and NEW when both miss', () => {
    const r = evaluateTier(figures({ salesFen: 3_000_000, nps: 50, repurchaseRate: 0.3 }));
    assert.equal(r.tier, 'NEW');
    assert.match(r.reason, /repurchase rate 30\.0% ≤ 40% and NPS 50\.0 ≤ 80/);
  });
});

describe('tier boundaries - through the service', { timeout: 200_000 }, () => {
  const iso = isolate();
  const clock = { t: Date.parse('2026-05-01T04:00:00Z'), now() { return this.t; } };
  let core: Awaited<ReturnType<typeof startCore>>;
  let bus: EventBus;
  let admin: Api;
  let skuId: string;

  before(async () => {
    core = await startCore(iso, {}, { leader: { clock } });
    bus = await EventBus.connect(NATS_URL, iso.id, createLogger('test', 'silent'), 'test');
    admin = await Api.login(core.url, 'admin-1');
    skuId = (await stockProduct(core.url, 'leader-2', { name: '米 rice', skus: [{ name: 'bag', listPriceFen: 5000, initialStock: 1 }] }, 'wh-2')).skus[0]!.id;
  });
  after(async () => {
    await bus?.drain();
    await core?.stop();
    await iso.cleanup();
  });

  /** April orders of `leaderId`: two buyers ordering twice each (100% repurchase), totalling `salesFen`. */
  async function aprilSales(leaderId: string, salesFen: number) {
    const parts = [Math.floor(salesFen / 4), Math.floor(salesFen / 4), Math.floor(salesFen / 4)];
    parts.push(salesFen - parts[0]! * 3);
    const ids: string[] = [];
    for (const [i, totalFen] of parts.entries()) {
      const orderId = randomUUID();
      ids.push(orderId);
      const atMs = Date.parse(`2026-04-${10 + i}T02:00:00Z`);
      await bus.publish('order.paid', { orderId, buyerId: `buyer-${i % 2}`, leaderId, skuId, warehouseId: 'wh-2', qty: 1, totalFen, status: 'PAID', atMs }, `order:${orderId}:PAID`);
    }
    return ids;
  }

  it('tier boundaries - ¥5,000.00 and one fen less, evaluated by an admin, and a demotion with its reason', async () => {
    await aprilSales('leader-2', 500_000);
    await aprilSales('leader-3', 499_999);
    const evaluate = async (leaderId: string) =>
      poll(`${leaderId}'s April`, async () => {
        const r = await admin.post(`/api/v1/admin/leaders/${leaderId}/tier-evaluations`, { month: '2026-04' });
        return r.status === 201 && JSON.parse(r.body.figuresJson).orders === 4 ? r.body : undefined;
      });
    const exact = await evaluate('leader-2');
    assert.equal(JSON.parse(exact.figuresJson).salesFen, 500_000);
    assert.equal(JSON.parse(exact.figuresJson).repurchaseRate, 1);
    assert.deepEqual([exact.tierBefore, exact.tierAfter, exact.effectiveDate], ['NEW', 'GROWING', '2026-05-02']);
    const below = await evaluate('leader-3');
    assert.equal(JSON.parse(below.figuresJson).salesFen, 499_999);
    assert.deepEqual([below.tierBefore, below.tierAfter], ['NEW', 'NEW']);
    assert.match(below.reason, /stays NEW: monthly sales ¥4999\.99 < ¥5,000\.00/);

    // A refund of one fen of an April order, and the next evaluation demotes leader-2.
    const leader2 = await Api.login(core.url, 'leader-2');
    clock.t = Date.parse('2026-05-03T04:00:00Z');
    assert.equal((await leader2.get('/api/v1/leaders/leader-2/tier')).body.tier, 'GROWING');
    const [orderId] = await aprilSales('leader-2', 4);
    await bus.publish('order.partially_refunded', { orderId, buyerId: 'buyer-0', leaderId: 'leader-2', skuId, warehouseId: 'wh-2', qty: 1, totalFen: 1, status: 'PAID', atMs: clock.t, refundId: randomUUID(), refundFen: 1 }, `refund:${orderId}`);
    const again = await poll('the refund in the April figures', async () => {
      const r = await admin.post('/api/v1/admin/leaders/leader-2/tier-evaluations', { month: '2026-04' });
      const f = r.status === 201 ? JSON.parse(r.body.figuresJson) : {};
      return f.orders === 8 && f.salesFen === 500_003 ? r.body : undefined;
    });
    // 500,000 + 4 − 1 refunded: still at least ¥5,000.00, so it stays.
    assert.deepEqual([again.tierBefore, again.tierAfter], ['GROWING', 'GROWING']);
    const refused = await leader2.post('/api/v1/admin/leaders/leader-2/tier-evaluations', { month: '2026-04' });
    assert.equal(refused.status, 403, 'admins only');
    const may = await admin.post('/api/v1/admin/leaders/leader-2/tier-evaluations', { month: '2026-05' });
    assert.equal(may.status, 201);
    assert.deepEqual([may.body.tierBefore, may.body.tierAfter], ['GROWING', 'NEW']);
    assert.match(may.body.reason, /GROWING → NEW: monthly sales ¥0\.00 < ¥5,000\.00/);
    clock.t = Date.parse('2026-05-04T04:00:00Z');
    const tier = (await leader2.get('/api/v1/leaders/leader-2/tier')).body;
    assert.equal(tier.tier, 'NEW', 'the demotion applies from the next day');
    assert.ok(tier.evaluations.length >= 3);
  });

  it('tier boundaries - a leader reading another leader\'s ledger, statements, withdrawals or tier is refused, by the gateway and by the service', async () => {
    const leader3 = await Api.login(core.url, 'leader-3');
    for (const path of ['ledger', 'statements', 'statements/2026-04-10', 'statements/2026-04-10/csv', 'withdrawals', 'tier']) {
      const r = await leader3.get(`/api/v1/leaders/leader-2/${path}`);
      assert.equal(r.status, 403, path);
      assert.match(r.body.message, /only their own/, path);
    }
    const w = await leader3.post('/api/v1/leaders/leader-2/withdrawals', { amountFen: 1000, idempotencyKey: 'not-mine-001' });
    assert.equal(w.status, 403);
    const client = new RpcClient(LeaderServiceClient, `127.0.0.1:${core.leader!.runtime.grpcPort}`);
    try {
      await assert.rejects(client.call((c) => c.getLedger, { actor: { userId: 'leader-3', role: 'leader', warehouseId: '' }, leaderId: 'leader-2', beforeId: 0, limit: 10 }), /only their own/);
      await assert.rejects(client.call((c) => c.requestWithdrawal, { actor: { userId: 'admin-1', role: 'admin', warehouseId: '' }, leaderId: 'leader-2', amountFen: 1000, idempotencyKey: 'admin-try-01' }), /only a leader/);
      const own = await client.call((c) => c.getLedger, { actor: { userId: 'leader-2', role: 'leader', warehouseId: '' }, leaderId: 'leader-2', beforeId: 0, limit: 10 });
      assert.ok(own.entries.length > 0, 'the owner reads it');
    } finally {
      client.close();
    }
  });
});
