// Buyer limits on their own: a SKU's own per-buyer limit wins; an unset one (0) gets the default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { skuLimitPerBuyer } from '../src/domain/buyer-limits.js';

describe('buyer limits', () => {
  const limits = { skuDefaultPerBuyer: 5, openListPriceHolds: 3 };

  it("buyer limits - a SKU's own limit applies, higher or lower than the default", () => {
    assert.equal(skuLimitPerBuyer(2, limits), 2);
    assert.equal(skuLimitPerBuyer(50, limits), 50);
  });

  it('buyer limits - a SKU without a limit (0) gets the default, so one buyer cannot hold the shelf', () => {
    assert.equal(skuLimitPerBuyer(0, limits), 5);
    assert.equal(skuLimitPerBuyer(0, { ...limits, skuDefaultPerBuyer: 1 }), 1);
  });
});
