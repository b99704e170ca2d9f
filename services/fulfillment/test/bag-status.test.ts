// Bag and stop transitions on their own: the one path a bag takes, and which states each step
// may start from, so a repeated or out-of-order request is refused rather than applied twice.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bagFrom, bagTo, stopFrom, stopTo, type BagStatus, type BagTransition } from '../src/domain/bag-status.js';
import { isUuid } from '../src/domain/ids.js';

describe('bag status', () => {
  it('bag status - packing, dispatch, arrival and pickup walk a bag from PENDING to PICKED_UP', () => {
    let status: BagStatus = 'PENDING';
    for (const t of ['pack', 'dispatch', 'arrive', 'pickUp'] as BagTransition[]) {
      assert.ok(bagFrom(t).includes(status), `${t} from ${status}`);
      status = bagTo(t);
    }
    assert.equal(status, 'PICKED_UP');
  });

  it('bag status - each step starts from exactly the state before it; none from PICKED_UP or CANCELLED', () => {
    assert.deepEqual(bagFrom('pack'), ['PENDING']);
    assert.deepEqual(bagFrom('dispatch'), ['PACKED']);
    assert.deepEqual(bagFrom('arrive'), ['OUT_FOR_DELIVERY']);
    assert.deepEqual(bagFrom('pickUp'), ['READY_FOR_PICKUP']);
    for (const t of ['pack', 'dispatch', 'arrive', 'pickUp', 'cancel'] as BagTransition[]) {
      assert.ok(!bagFrom(t).includes('PICKED_UP') && !bagFrom(t).includes('CANCELLED'), t);
    }
  });

  it('bag status - only a bag not yet packed is cancelled', () => {
    assert.deepEqual(bagFrom('cancel'), ['PENDING']);
    assert.equal(bagTo('cancel'), 'CANCELLED');
  });

  it('bag status - a stop is arrived at, handed over, then received, each from the one before', () => {
    assert.equal(stopFrom('arrive'), 'PENDING');
    assert.equal(stopTo('arrive'), 'ARRIVED');
    assert.equal(stopFrom('handOver'), stopTo('arrive'));
    assert.equal(stopTo('handOver'), 'HANDED_OVER');
    assert.equal(stopFrom('receive'), stopTo('handOver'));
    assert.equal(stopTo('receive'), 'RECEIVED');
  });

  it('ids - only a UUID can name a wave, bag, plan, route or stop', () => {
    assert.equal(isUuid('0b7f5c1e-9a4d-4c3b-8e2f-1a2b3c4d5e6f'), true);
    assert.equal(isUuid('0B7F5C1E-9A4D-4C3B-8E2F-1A2B3C4D5E6F'), true);
    assert.equal(isUuid('0b7f5c1e9a4d4c3b8e2f1a2b3c4d5e6f'), false);
    assert.equal(isUuid("' OR 1=1 --"), false);
    assert.equal(isUuid(''), false);
  });
});
