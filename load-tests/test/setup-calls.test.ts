// Each k6 script's setup calls, run by node against the real gateway (and live room): the same
// steps the scripts run under k6 (lib/setup-steps.js), so a setup call the gateway refuses fails
// this suite instead of a load test. The cold-burst script's plan is driven here too, on a small
// pool, with its answer classification and its teardown's checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
// @ts-expect-error plain JS module shared with k6
import { coldBurstSetup, httpFlashSaleSetup, requestOf, runStepsAsync, socketFlashSaleSetup } from '../lib/setup-steps.js';
// @ts-expect-error plain JS module shared with k6
import { burstAttempt, burstBuyerIds, classifyBurstPlace, classifySettle } from '../lib/cold-burst-plan.js';
// @ts-expect-error plain JS module shared with k6
import { oversellProblems } from '../lib/flash-sale-checks.js';
import { startPlatform, type Platform } from '../../services/live-room/test/harness.js';

interface Step {
  method: string;
  path: string;
  body?: unknown;
  token?: string;
}

describe('k6 setup calls against the real gateway', () => {
  let platform: Platform;
  let gateway: string;
  before(async () => {
    platform = await startPlatform({ core: { gateway: { ORDER_RATE_BURST: '100' } } });
    gateway = platform.core.url;
    // What `npm start` seeds for leader-1: a warehouse and a pickup point served by it.
    const { servedLeader } = await import('../../test-support/api.js');
    await servedLeader(gateway, 'leader-1');
  });
  after(async () => {
    await platform?.stop();
  });

  const send = async (s: Step) => {
    const req = requestOf(gateway, s);
    const r = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body };
  };

  it('setup - a POST sent with a JSON content type and no body is refused, and fails the steps', async () => {
    function* bodiless() {
      const leader = ((yield { method: 'POST', path: '/api/v1/auth/dev-login', body: { userId: 'leader-1' }, expect: [200] }) as { token: string }).token;
      const session = (yield { method: 'POST', path: '/api/v1/live-sessions', body: { title: 'no body' }, token: leader, expect: [201] }) as { id: string };
      yield { method: 'POST', path: `/api/v1/live-sessions/${session.id}/start`, token: leader, expect: [200, 201] };
    }
    await assert.rejects(runStepsAsync(bodiless(), send), /start: 400/);
  });

  it('setup - http-flash-sale.js: its setup calls are all accepted', async () => {
    const data = await runStepsAsync(httpFlashSaleSetup({ quantity: 10, limit: 2, buyers: 3, nowMs: Date.now() }), send);
    assert.match(data.flashSaleId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(data.tokens), ['buyer-1', 'buyer-2', 'buyer-3']);
  });

  it('setup - socket-flash-sale.js: its setup calls are accepted and the leader starts the sale over the socket', async () => {
    const data = await runStepsAsync(socketFlashSaleSetup({ quantity: 5, nowMs: Date.now() }), send);
    // The socket half of its setup, with the script's own payloads.
    const script = readFileSync(join(import.meta.dirname, '..', 'socket-flash-sale.js'), 'utf8');
    assert.match(script, /emit\('sale:start', \{ skuId: product\.skus\[0\]\.id, warehouseId: 'wh-1', salePriceFen: 990, quantity: QUANTITY, perBuyerLimit: 1, countdownSeconds: COUNTDOWN_S \}/);
    const socket = connect(platform.pods[0]!.url, { path: '/socket.io', auth: { token: data.leader }, transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const joined = await socket.emitWithAck('session:join', { sessionId: data.sessionId });
      assert.equal(joined.ok, true, JSON.stringify(joined));
      const started = await socket.emitWithAck('sale:start', { skuId: data.skuId, warehouseId: 'wh-1', salePriceFen: 990, quantity: 5, perBuyerLimit: 1, countdownSeconds: 1 });
      assert.equal(started.ok, true, JSON.stringify(started));
    } finally {
      socket.disconnect();
    }
  });

  it('setup - cold-burst.js: its setup calls are accepted, and its plan run on a small pool keeps the pool exact and settles', async () => {
    const buyers = 24;
    const data = await runStepsAsync(
      coldBurstSetup({ quantity: 10, limit: 2, buyerIds: burstBuyerIds(buyers, Date.now()), nowMs: () => Date.now(), countdownMs: 800 }),
      send,
    );
    assert.equal(data.tokens.length, buyers);
    await new Promise((r) => setTimeout(r, Math.max(0, data.opensAtMs - Date.now())));
    const counts: Record<string, number> = {};
    const runId = Date.now().toString(36);
    await Promise.all(
      Array.from({ length: buyers }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 10)); // 100 arrivals a second
        const a = burstAttempt(i, { cancelShare: 0.15, runId });
        const token = data.tokens[a.buyerIndex];
        const r = await fetch(`${gateway}/api/v1/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': a.idempotencyKey },
          body: JSON.stringify({ flashSaleId: data.flashSaleId, qty: a.qty }),
        });
        const order = await r.json();
        const outcome = classifyBurstPlace(r.status, order);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
        if (outcome !== 'placed') return;
        const kind = a.cancels ? 'cancel' : 'pay';
        const s = await fetch(`${gateway}/api/v1/orders/${order.id}/${kind}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
        const settled = classifySettle(kind, s.status, await s.json());
        counts[settled] = (counts[settled] ?? 0) + 1;
      }),
    );
    assert.equal(counts.unexpected ?? 0, 0, JSON.stringify(counts));
    assert.ok((counts.placed ?? 0) > 0 && (counts.refused ?? 0) > 0, JSON.stringify(counts));
    let pool: { held: number; sold: number; quantity: number; available: number } | undefined;
    for (let tries = 0; tries < 40; tries++) {
      pool = (await send({ method: 'GET', path: `/api/v1/flash-sales/${data.flashSaleId}`, token: data.leader })).body as typeof pool;
      if (pool!.held === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(oversellProblems(pool), []);
    assert.equal(pool!.held, 0, 'every winner paid or cancelled');
    assert.equal(pool!.sold, pool!.quantity - pool!.available);
  });

  it('setup - every script runs its setup through the shared steps and imports only k6 and ./lib', () => {
    for (const [file, steps] of [['http-flash-sale.js', 'httpFlashSaleSetup'], ['socket-flash-sale.js', 'socketFlashSaleSetup'], ['cold-burst.js', 'coldBurstSetup']]) {
      const script = readFileSync(join(import.meta.dirname, '..', file!), 'utf8');
      const imports = [...script.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      assert.ok(imports.every((i) => i.startsWith('k6') || i.startsWith('./lib/')), `${file}: ${imports.join()}`);
      assert.match(script, new RegExp(`runSteps\\(\\s*${steps}\\(`), `${file} runs ${steps}`);
      assert.match(script, /thresholds:/);
      assert.match(script, /export function teardown/);
    }
  });
});
