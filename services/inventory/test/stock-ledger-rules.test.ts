// The stock ledger's rules without I/O: receipt and adjustment checks, the count's difference,
// what may come off the shelf, and the low-stock level (its dates: packages/contracts/test/local-date).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adjustmentDelta, adjustmentProblems, adjustmentRefusal, isLow, receiptProblems } from '../src/domain/stock-ledger.js';

describe('stock ledger rules', () => {
  it('receipts - quantity, expiry and text bounds', () => {
    const ok = { qty: 5, batch: 'B1', expiresOn: '2026-12-03', note: '' };
    assert.deepEqual(receiptProblems(ok, '2026-12-03'), []);
    assert.deepEqual(receiptProblems({ ...ok, expiresOn: '' }, '2026-12-03'), []);
    assert.match(receiptProblems({ ...ok, qty: 0 }, '2026-12-03')[0]!, /^qty/);
    assert.match(receiptProblems({ ...ok, qty: 1_000_001 }, '2026-12-03')[0]!, /^qty/);
    assert.match(receiptProblems({ ...ok, expiresOn: '2026-12-02' }, '2026-12-03')[0]!, /already past/);
    assert.deepEqual(receiptProblems({ ...ok, expiresOn: '2046-12-03' }, '2026-12-03'), []);
    assert.match(receiptProblems({ ...ok, expiresOn: '2046-12-04' }, '2026-12-03')[0]!, /years away/);
    assert.match(receiptProblems({ ...ok, batch: 'x'.repeat(65) }, '2026-12-03')[0]!, /^batch/);
  });

  it('adjustments - a count records the difference; nothing goes below zero or below what is promised', () => {
    assert.deepEqual(adjustmentProblems({ reason: 'COUNT', qty: 0, counted: 0, note: '' }), []);
    assert.match(adjustmentProblems({ reason: 'LOST', qty: 1, counted: 0, note: '' })[0]!, /^reason/);
    assert.match(adjustmentProblems({ reason: 'DAMAGE', qty: 0, counted: 0, note: '' })[0]!, /^qty/);
    assert.equal(adjustmentDelta({ reason: 'COUNT', qty: 0, counted: 7 }, 10), -3);
    assert.equal(adjustmentDelta({ reason: 'COUNT', qty: 0, counted: 12 }, 10), 2);
    assert.equal(adjustmentDelta({ reason: 'DAMAGE', qty: 4, counted: 0 }, 10), -4);
    assert.equal(adjustmentRefusal({ onHand: 10, allocated: 4 }, -6), undefined);
    assert.match(adjustmentRefusal({ onHand: 10, allocated: 4 }, -7)!, /4 of the 10 units on hand are promised to pools and holds; at most 6 can come off/);
    assert.match(adjustmentRefusal({ onHand: 10, allocated: 0 }, -11)!, /only 10 units are on hand/);
    assert.deepEqual([isLow(5, 5), isLow(6, 5), isLow(0, 0)], [true, false, true]);
  });
});
