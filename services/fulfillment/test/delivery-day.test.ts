// Delivery days and cut-offs in the warehouse's zone, and the pure helpers around them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { zonedToUtc } from '@lc/contracts';
import { cutoffInstant, deliveryDateFor, isTimeZone } from '../src/domain/local-time.js';
import { vehicleProblems } from '../src/domain/warehouse-rules.js';
import { etasFrom } from '../src/domain/route-planning.js';
import { pickListsCsv, pickListsHtml, buildPickLists } from '../src/domain/pick-list.js';
import { derivePickupCode, pickupCodeHash } from '../src/domain/pickup-code.js';

describe('delivery day', () => {
  it('delivery day - Asia/Shanghai 22:00 cut-off: 21:59 local goes tomorrow, 22:01 the day after', () => {
    // 2026-03-10 21:59 in Shanghai is 13:59 UTC.
    const before = Date.UTC(2026, 2, 10, 13, 59);
    const after = Date.UTC(2026, 2, 10, 14, 1);
    assert.equal(deliveryDateFor(before, 'Asia/Shanghai', '22:00'), '2026-03-11');
    assert.equal(deliveryDateFor(after, 'Asia/Shanghai', '22:00'), '2026-03-12');
    // The same instants in UTC are both well before a 22:00 UTC cut-off.
    assert.equal(deliveryDateFor(after, 'UTC', '22:00'), '2026-03-11');
    // Just after local midnight (16:30 UTC the day before) counts as the next local day.
    assert.equal(deliveryDateFor(Date.UTC(2026, 2, 10, 16, 30), 'Asia/Shanghai', '22:00'), '2026-03-12');
  });

  it('delivery day - the wave cut-off is the local cut-off the day before, stored in UTC', () => {
    assert.equal(new Date(cutoffInstant('2026-03-11', 'Asia/Shanghai', '22:00')).toISOString(), '2026-03-10T14:00:00.000Z');
    // New York springs forward on 2026-03-08: 21:00 EDT is 01:00 UTC the next day.
    assert.equal(new Date(zonedToUtc('2026-03-08', 21 * 3600, 'America/New_York')).toISOString(), '2026-03-09T01:00:00.000Z');
    assert.equal(new Date(zonedToUtc('2026-03-07', 21 * 3600, 'America/New_York')).toISOString(), '2026-03-08T02:00:00.000Z');
  });

  it('delivery day - time zones are IANA names', () => {
    assert.ok(isTimeZone('Asia/Shanghai'));
    assert.ok(!isTimeZone('Mars/Olympus'));
    assert.ok(!isTimeZone('+08:00'));
  });
});

describe('warehouse rules', () => {
  it('warehouse rules - a vehicle or driver on two overlapping shifts is refused', () => {
    const v = (id: string, s: string, e: string, driverId = '') => ({ id, capacity: 5, shiftStart: s, shiftEnd: e, driverId });
    assert.deepEqual(vehicleProblems([v('van-1', '06:00', '12:00'), v('van-1', '13:00', '18:00')]), []);
    assert.match(vehicleProblems([v('van-1', '06:00', '12:00'), v('van-1', '11:00', '18:00')])[0]!.problem, /overlapping/);
    assert.equal(vehicleProblems([v('van-1', '06:00', '12:00', 'driver-1'), v('van-2', '11:00', '18:00', 'driver-1')])[0]!.field, 'vehicles.1.driverId');
    assert.equal(vehicleProblems([v('van-1', '12:00', '06:00')])[0]!.field, 'vehicles.0.shiftEnd');
  });
});

describe('route helpers', () => {
  it('etas - legs accumulate, waiting for a window and unloading push later stops', () => {
    const etas = etasFrom(0, [60, 120], [{ windowStartAtMs: 600_000, serviceSeconds: 300 }, { windowStartAtMs: 0, serviceSeconds: 0 }]);
    assert.deepEqual(etas, [60_000, 600_000 + 300_000 + 120_000]);
  });

  it('pick lists - totals skip cancelled bags; CSV quotes and defuses formulas', () => {
    const lists = buildPickLists([{ id: 'pp-1', name: 'A', leaderId: 'leader-1', address: '' }], [
      { id: 'b1', orderId: 'o1', pickupPointId: 'pp-1', label: 'L1', skuId: 's1', qty: 2, status: 'PENDING' },
      { id: 'b2', orderId: 'o2', pickupPointId: 'pp-1', label: 'L2', skuId: 's1', qty: 1, status: 'CANCELLED' },
    ]);
    assert.deepEqual(lists[0]!.skuTotals, [{ skuId: 's1', qty: 2, bagCount: 1 }]);
    const csv = pickListsCsv([{ ...lists[0]!, pickupPointName: '=cmd|x, "y"' }]);
    assert.match(csv, /"'=cmd\|x, ""y"""/);
    // Product names come from leaders' proposals: defused the same way, and HTML-escaped in print.
    const named = pickListsCsv(lists, { s1: '=HYPERLINK("x") · 1 box' });
    assert.match(named, /,"'=HYPERLINK\(""x""\) · 1 box",s1,/);
    const html = pickListsHtml({ id: 'w', warehouseId: 'wh', deliveryDate: '2026-03-11' }, lists, { s1: '<b>葡萄</b> · 1 box' });
    assert.match(html, /<td>&lt;b&gt;葡萄&lt;\/b&gt; · 1 box <small>s1<\/small><\/td>/);
    assert.doesNotMatch(html, /<b>葡萄/);
  });

  it('pickup codes - six digits, re-derivable, hashed per pickup point', () => {
    const code = derivePickupCode('secret-0123456789', 'bag-1', 0);
    assert.match(code, /^[0-9]{6}$/);
    assert.equal(derivePickupCode('secret-0123456789', 'bag-1', 0), code);
    assert.notEqual(pickupCodeHash('s', 'pp-1', code), pickupCodeHash('s', 'pp-2', code));
  });
});
