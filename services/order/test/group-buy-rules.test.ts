// Group-buy rules without I/O: the terms refused field by field, the cut-off's verdict at exactly
// the minimum, placement outside the window, and the pool mark read back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { groupBuyOfPoolMark, groupBuyPoolMark, groupBuyProblems, placementRefusal, verdictAtCutoff, type GroupBuyTerms } from '../src/domain/group-buy.js';

const NOW = 1_800_000_000_000;
const terms: GroupBuyTerms = { leaderId: 'leader-1', title: '拼团', skuId: 's', warehouseId: 'wh-1', priceFen: 4990, stockCap: 20, minQty: 10, perBuyerLimit: 5, startsAtMs: NOW - 1, cutoffAtMs: NOW + 3600_000, holdSeconds: 900 };

describe('group-buy rules', () => {
  it('group-buy rules - valid terms pass; each bad field is named', () => {
    assert.deepEqual(groupBuyProblems(terms, NOW), []);
    const cases: [Partial<GroupBuyTerms>, RegExp][] = [
      [{ minQty: 21 }, /^minQty: at most stockCap/],
      [{ minQty: 0 }, /^minQty/],
      [{ stockCap: 0 }, /^stockCap/],
      [{ priceFen: 0 }, /^priceFen/],
      [{ priceFen: 1.5 }, /^priceFen/],
      [{ title: '  ' }, /^title/],
      [{ leaderId: '' }, /^leaderId/],
      [{ cutoffAtMs: NOW - 1 }, /^cutoffAt: must be after startsAt/],
      [{ startsAtMs: NOW - 10, cutoffAtMs: NOW }, /^cutoffAt: must be in the future/],
      [{ cutoffAtMs: NOW + 31 * 86_400_000 }, /^cutoffAt: at most 30 days/],
      [{ holdSeconds: 0 }, /^holdSeconds/],
    ];
    for (const [change, problem] of cases) assert.match(groupBuyProblems({ ...terms, ...change }, NOW)[0] ?? '', problem, JSON.stringify(change));
  });

  it('group-buy rules - the minimum exactly reached succeeds, one unit short fails', () => {
    assert.equal(verdictAtCutoff(10, 10), 'SUCCEEDED');
    assert.equal(verdictAtCutoff(9, 10), 'FAILED');
    assert.equal(verdictAtCutoff(0, 1), 'FAILED');
  });

  it('group-buy rules - placements only between the start and the cut-off of an open group buy', () => {
    const g = { status: 'OPEN', startsAtMs: NOW, cutoffAtMs: NOW + 10 };
    assert.equal(placementRefusal(g, NOW - 1), 'NOT_STARTED');
    assert.equal(placementRefusal(g, NOW), undefined);
    assert.equal(placementRefusal(g, NOW + 9), undefined);
    assert.equal(placementRefusal(g, NOW + 10), 'ENDED');
    assert.equal(placementRefusal({ ...g, status: 'FAILED' }, NOW + 1), 'ENDED');
  });

  it('group-buy rules - a pool mark names its group buy; any other live-session id names none', () => {
    assert.equal(groupBuyOfPoolMark(groupBuyPoolMark('gb-1')), 'gb-1');
    assert.equal(groupBuyOfPoolMark('6f1c2d3e-0000-4000-8000-000000000001'), '');
    assert.equal(groupBuyOfPoolMark(''), '');
  });
});
