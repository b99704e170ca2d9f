// The HTTP load test's logic, run here by node against the real gateway: the same attempt plan
// and answer classification the k6 script uses, and its oversell check.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain JS module shared with k6
import { attemptFor, classifyOrderResponse } from '../lib/http-flash-sale-plan.js';
// @ts-expect-error plain JS module shared with k6
import { oversellProblems } from '../lib/flash-sale-checks.js';
import { isolate } from '../../test-support/isolation.js';
import { startCore } from '../../test-support/platform.js';
import { Api, createFlashSale } from '../../test-support/api.js';

describe('http flash-sale load test', () => {
  const iso = isolate();
  let core: Awaited<ReturnType<typeof startCore>>;
  before(async () => {
    core = await startCore(iso, { gateway: { ORDER_RATE_BURST: '100' } });
  });
  after(async () => {
    await core?.stop();
    await iso.cleanup();
  });

  it('load test - its plan and checks, run against the gateway, see only orders, replays and clean refusals', async () => {
    const leader = await Api.login(core.url, 'leader-1');
    const { flashSaleId } = await createFlashSale(leader, { quantity: 20, perBuyerLimit: 2 });
    const buyers = 30;
    const apis = new Map<string, Api>();
    for (let b = 1; b <= buyers; b++) apis.set(`buyer-${b}`, await Api.login(core.url, `buyer-${b}`));
    const counts: Record<string, number> = {};
    const keys = new Map<string, string>();
    const jobs = [];
    for (let vu = 1; vu <= buyers; vu++) {
      jobs.push(
        (async () => {
          for (let iteration = 0; iteration < 6; iteration++) {
            const a = attemptFor(vu, iteration, { buyers, sendsPerKey: 2 });
            const r = await apis.get(a.buyerId)!.post('/api/v1/orders', { flashSaleId, qty: 1 }, { 'idempotency-key': a.idempotencyKey });
            const outcome = classifyOrderResponse(r.status, r.body);
            counts[outcome] = (counts[outcome] ?? 0) + 1;
            if (outcome === 'ordered' || outcome === 'replayed') {
              const k = `${a.buyerId}/${a.idempotencyKey}`;
              if (keys.has(k)) assert.equal(keys.get(k), r.body.id);
              keys.set(k, r.body.id);
            }
          }
        })(),
      );
    }
    await Promise.all(jobs);
    assert.equal(counts.unexpected ?? 0, 0, JSON.stringify(counts));
    assert.ok((counts.replayed ?? 0) > 0, 'the plan re-sends keys');
    const stats = await leader.get(`/api/v1/flash-sales/${flashSaleId}`);
    assert.deepEqual(oversellProblems(stats.body), []);
    assert.equal(stats.body.held + stats.body.sold, 20);
  });

  it('load test - the oversell check fails a pool that sold more than it had', () => {
    assert.deepEqual(oversellProblems({ quantity: 10, held: 0, sold: 10, available: 0 }), []);
    assert.match(oversellProblems({ quantity: 10, held: 1, sold: 10, available: 0 }).join(), /oversold/);
    assert.equal(classifyOrderResponse(500, { code: 'INTERNAL' }), 'unexpected');
    assert.equal(classifyOrderResponse(409, { code: 'IDEMPOTENCY_KEY_REUSED' }), 'unexpected');
  });

  it('load test - the k6 script uses only k6 modules and the shared lib, with thresholds and a teardown', () => {
    const script = readFileSync(join(import.meta.dirname, '..', 'http-flash-sale.js'), 'utf8');
    const imports = [...script.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    assert.ok(imports.every((i) => i.startsWith('k6') || i.startsWith('./lib/')), imports.join());
    assert.match(script, /thresholds:/);
    assert.match(script, /export function teardown/);
  });
});
