// Inventory keeps each pool's terms in memory for the hot path; the cache must not grow with every
// pool ever run, yet a forgotten pool must still answer when asked again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isolate } from '../../../test-support/isolation.js';
import { startCore } from '../../../test-support/platform.js';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { poll } from '../../../test-support/poll.js';

describe('pool cache', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;

  before(async () => {
    core = await startCore(iso, { inventory: { SWEEP_INTERVAL_MS: '200', SWEEP_GRACE_MS: '0', POOL_CLOSE_DELAY_MS: '0' } });
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('pools - an ended pool is forgotten once no hold of it can still expire, and answers again when asked', async () => {
    const leader = await Api.login(core.url, 'leader-1');
    const buyer = await Api.login(core.url, 'buyer-501');
    const endsAtMs = Date.now() + 3_000;
    const running = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 2, holdSeconds: 10, endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    const ending = await createFlashSale(leader, { quantity: 5, perBuyerLimit: 2, holdSeconds: 10, endsAt: new Date(endsAtMs).toISOString() });
    for (const [i, sale] of [running, ending].entries()) {
      const placed = await buyer.post('/api/v1/orders', { flashSaleId: sale.flashSaleId, qty: 1 }, { 'idempotency-key': `k${i}` });
      assert.equal(placed.status, 201, JSON.stringify(placed.body));
    }
    const known = () => core.inventory.reservations.knownPools().map((p) => p.id);
    assert.ok(known().includes(ending.flashSaleId) && known().includes(running.flashSaleId));
    // Still remembered while a hold of it could expire (its end plus the 10 s hold time).
    await new Promise((r) => setTimeout(r, endsAtMs + 5_000 - Date.now()));
    assert.ok(known().includes(ending.flashSaleId), 'kept while its holds may still expire');
    await poll('the ended pool forgotten', async () => !known().includes(ending.flashSaleId) || undefined, 15_000);
    assert.ok(known().includes(running.flashSaleId), 'a running pool stays');
    const stats = await buyer.get(`/api/v1/flash-sales/${ending.flashSaleId}`);
    assert.equal(stats.status, 200);
    assert.deepEqual([stats.body.held, stats.body.sold], [0, 0], 'its unpaid hold expired and went back');
    const late = await buyer.post('/api/v1/orders', { flashSaleId: ending.flashSaleId, qty: 1 }, { 'idempotency-key': 'late' });
    assert.deepEqual([late.status, late.body.code], [409, 'ENDED']);
  });
});
