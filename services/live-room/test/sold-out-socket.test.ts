// The socket's order:place answers a sold-out pool from memory, as the gateway's REST door does:
// losers get SOLD_OUT without spending their order budget or reaching inventory, and a winner
// retrying with the key that won still gets the same order back (PlacedKeys).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClient } from '@lc/kit';
import { OrderServiceClient, PlaceOrderOutcome } from '@lc/contracts';
import { Api, createFlashSale } from '../../../test-support/api.js';
import { ask, sleep, startPlatform, type Platform } from './harness.js';

describe('live room sold-out board', () => {
  let p: Platform;
  let sessionId: string;
  let skuId: string;

  before(async () => {
    // A small order budget (the winner's four asks fit it): a loser tapping a sold-out pool more
    // often than that must never hit it.
    p = await startPlatform({ env: { ORDER_RATE_PER_SECOND: '0.1', ORDER_RATE_BURST: '4' } });
    sessionId = await p.liveSession('leader-1');
    ({ skuId } = await createFlashSale(await Api.login(p.core.url, 'leader-1'), { quantity: 1, perBuyerLimit: 1, stock: 100 }));
  });
  after(() => p.stop());

  it('sold out - a winner whose answer was lost on the way (the order placed, no front door heard it) is found, not told SOLD_OUT', async () => {
    const leader = await p.socket('leader-1');
    const winner = await p.socket('buyer-353');
    for (const s of [leader, winner]) assert.ok((await ask(s, 'session:join', { sessionId })).ok);
    const { skuId: sku } = await createFlashSale(await Api.login(p.core.url, 'leader-1'), { quantity: 1, perBuyerLimit: 1, stock: 100 });
    const started = await ask(leader, 'sale:start', { skuId: sku, warehouseId: 'wh-1', salePriceFen: 990, quantity: 1, perBuyerLimit: 1, countdownSeconds: 0 });
    assert.ok(started.ok, JSON.stringify(started));
    const flashSaleId = started.data.sale.id as string;
    await sleep(Math.max(0, started.data.sale.startsAtMs - Date.now()) + 50);
    // Straight to the order service, as a front door whose deadline passed before the answer came.
    const orders = new RpcClient(OrderServiceClient, `127.0.0.1:${p.core.order.runtime.grpcPort}`);
    try {
      const { outcome, order } = await orders.call((c) => c.placeOrder, { buyerId: 'buyer-353', idempotencyKey: 'lost', flashSaleId, skuId: '', qty: 1, liveSessionId: sessionId, leaderId: 'leader-1', pickupPointId: '', shareToken: '' });
      assert.equal(outcome, PlaceOrderOutcome.PLACE_ORDER_OUTCOME_PLACED);
      const board = p.pods[0]!.soldOut;
      const deadline = Date.now() + 10_000;
      while (!board.isSoldOut(flashSaleId) && Date.now() < deadline) await sleep(50);
      assert.ok(board.isSoldOut(flashSaleId), 'the pod heard the sell-out');
      const retried = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'lost' });
      assert.ok(retried.ok && retried.data.order.id === order!.id, JSON.stringify(retried));
    } finally {
      orders.close();
    }
  });

  it('sold out - losers get SOLD_OUT from memory (no budget spent, no inventory), the winner replaying its key gets its order', async () => {
    const leader = await p.socket('leader-1');
    const winner = await p.socket('buyer-351');
    const loser = await p.socket('buyer-352');
    for (const s of [leader, winner, loser]) assert.ok((await ask(s, 'session:join', { sessionId })).ok);
    const started = await ask(leader, 'sale:start', { skuId, warehouseId: 'wh-1', salePriceFen: 990, quantity: 1, perBuyerLimit: 1, countdownSeconds: 0 });
    assert.ok(started.ok, JSON.stringify(started));
    const flashSaleId = started.data.sale.id as string;
    await sleep(Math.max(0, started.data.sale.startsAtMs - Date.now()) + 50);

    const won = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'w' });
    assert.ok(won.ok, JSON.stringify(won));
    const board = p.pods[0]!.soldOut;
    const deadline = Date.now() + 10_000;
    while (!board.isSoldOut(flashSaleId) && Date.now() < deadline) await sleep(50);
    assert.ok(board.isSoldOut(flashSaleId), 'the pod heard the sell-out');

    // More taps than the order budget allows: every one is SOLD_OUT, none RATE_LIMITED.
    for (let i = 0; i < 6; i++) {
      const lost = await ask(loser, 'order:place', { flashSaleId, qty: 1, idempotencyKey: `l-${i}` });
      assert.equal(!lost.ok && lost.code, 'SOLD_OUT', JSON.stringify(lost));
    }
    const replay = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'w' });
    assert.ok(replay.ok && replay.data.replayed && replay.data.order.id === won.data.order.id, JSON.stringify(replay));
    const reused = await ask(winner, 'order:place', { flashSaleId, qty: 2, idempotencyKey: 'w' });
    assert.equal(!reused.ok && reused.code, 'IDEMPOTENCY_KEY_REUSED', JSON.stringify(reused));

    // With inventory gone nothing can be reserved: only the board and the winner's key answer.
    await p.core.inventory.runtime.stop();
    const stillLost = await ask(loser, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'l-late' });
    assert.equal(!stillLost.ok && stillLost.code, 'SOLD_OUT', JSON.stringify(stillLost));
    const again = await ask(winner, 'order:place', { flashSaleId, qty: 1, idempotencyKey: 'w' });
    assert.ok(again.ok && again.data.order.id === won.data.order.id, JSON.stringify(again));
  });
});
