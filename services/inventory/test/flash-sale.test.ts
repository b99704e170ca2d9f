// Flash-sale pool rules on their own: what valid terms look like, each bad field named, the
// SKU's limit and price as ceilings, and the available count never below zero.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HOLD_SECONDS, MAX_POOL_QUANTITY, available, flashSaleProblems, poolLimitProblem, poolPriceProblem, type FlashSaleTerms } from '../src/domain/flash-sale.js';

const terms: FlashSaleTerms = {
  skuId: 'sku-1',
  warehouseId: 'wh-1',
  leaderId: 'leader-1',
  liveSessionId: 'live-1',
  salePriceFen: 990,
  quantity: 100,
  perBuyerLimit: 2,
  startsAtMs: 1_000,
  endsAtMs: 2_000,
  holdSeconds: 300,
};

describe('flash sale', () => {
  it('flash sale - valid terms have no problems, and the bounds themselves are valid', () => {
    assert.deepEqual(flashSaleProblems(terms), []);
    assert.deepEqual(flashSaleProblems({ ...terms, salePriceFen: 1, quantity: MAX_POOL_QUANTITY, perBuyerLimit: 1, holdSeconds: MAX_HOLD_SECONDS }), []);
  });

  it('flash sale - each bad field is named with its bounds, all of them at once', () => {
    const problems = flashSaleProblems({ ...terms, skuId: '', warehouseId: '', leaderId: '', salePriceFen: 0, quantity: MAX_POOL_QUANTITY + 1, perBuyerLimit: 1.5, holdSeconds: MAX_HOLD_SECONDS + 1, endsAtMs: terms.startsAtMs });
    assert.deepEqual(problems, [
      'skuId: required',
      'warehouseId: required',
      'leaderId: required',
      'salePriceFen: must be an integer from 1 to 100000000',
      `quantity: must be an integer from 1 to ${MAX_POOL_QUANTITY}`,
      `perBuyerLimit: must be an integer from 1 to ${MAX_POOL_QUANTITY}`,
      `holdSeconds: must be an integer from 1 to ${MAX_HOLD_SECONDS}`,
      'endsAt: must be after startsAt',
    ]);
  });

  it('flash sale - NaN and non-integer counts are refused, not rounded', () => {
    assert.deepEqual(flashSaleProblems({ ...terms, quantity: Number.NaN }), [`quantity: must be an integer from 1 to ${MAX_POOL_QUANTITY}`]);
    assert.deepEqual(flashSaleProblems({ ...terms, salePriceFen: 9.5 }), ['salePriceFen: must be an integer from 1 to 100000000']);
    assert.deepEqual(flashSaleProblems({ ...terms, endsAtMs: Number.NaN }), ['endsAt: must be after startsAt']);
  });

  it("flash sale - the pool's per-buyer limit may not exceed the SKU's own, unless the SKU sets none", () => {
    assert.equal(poolLimitProblem(3, 3), undefined);
    assert.equal(poolLimitProblem(4, 3), "perBuyerLimit: at most 3, the SKU's own limit per buyer");
    assert.equal(poolLimitProblem(1_000, 0), undefined);
  });

  it("flash sale - the sale price may equal the list price but not exceed it", () => {
    assert.equal(poolPriceProblem(1_000, 1_000), undefined);
    assert.equal(poolPriceProblem(1_001, 1_000), "salePriceFen: at most 1000, the SKU's list price");
  });

  it('flash sale - available is what is neither held nor sold, and never negative', () => {
    assert.equal(available({ quantity: 10, held: 3, sold: 2 }), 5);
    assert.equal(available({ quantity: 10, held: 0, sold: 10 }), 0);
    assert.equal(available({ quantity: 10, held: 8, sold: 5 }), 0);
  });
});
