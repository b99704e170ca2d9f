// The order state machine on its own: each transition's start and end, refusals, and how a
// redelivered or early delivery step is judged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ORDER_STATUSES, allowedFrom, deliveryStepVerdict, targetOf, transition, type OrderStatus, type Transition } from '../src/domain/order-status.js';

const happyPath: [Transition, OrderStatus][] = [
  ['pay', 'PAID'],
  ['pack', 'PACKED'],
  ['dispatch', 'OUT_FOR_DELIVERY'],
  ['arrive', 'READY_FOR_PICKUP'],
  ['pickUp', 'PICKED_UP'],
];

describe('order status', () => {
  it('order status - the happy path walks from PENDING_PAYMENT to PICKED_UP one step at a time', () => {
    let status: OrderStatus = 'PENDING_PAYMENT';
    for (const [t, to] of happyPath) {
      const r = transition(status, t);
      assert.deepEqual(r, { ok: true, to });
      status = to;
    }
  });

  it('order status - every transition is refused from every status it does not start from, naming both', () => {
    const transitions: Transition[] = ['pay', 'cancel', 'expire', 'pack', 'dispatch', 'arrive', 'pickUp', 'refund', 'unpack'];
    for (const t of transitions) {
      for (const s of ORDER_STATUSES) {
        const r = transition(s, t);
        if (allowedFrom(t).includes(s)) assert.deepEqual(r, { ok: true, to: targetOf(t) });
        else assert.deepEqual(r, { ok: false, reason: `cannot ${t} an order that is ${s}` });
      }
    }
  });

  it('order status - only an unpaid order is cancelled or expires; only a paid, unpacked one is refunded', () => {
    assert.deepEqual(allowedFrom('cancel'), ['PENDING_PAYMENT']);
    assert.deepEqual(allowedFrom('expire'), ['PENDING_PAYMENT']);
    assert.equal(targetOf('expire'), 'CANCELLED');
    assert.equal(transition('PAID', 'cancel').ok, false);
    assert.deepEqual(transition('PAID', 'refund'), { ok: true, to: 'REFUNDED' });
    assert.equal(transition('PACKED', 'refund').ok, false);
    assert.equal(transition('CANCELLED', 'pay').ok, false);
    assert.deepEqual(transition('PACKED', 'unpack'), { ok: true, to: 'PAID' });
  });

  it('order status - a delivery step is applied when due, a duplicate when already reached, else waits', () => {
    assert.equal(deliveryStepVerdict('PAID', 'pack'), 'apply');
    assert.equal(deliveryStepVerdict('PACKED', 'pack'), 'duplicate');
    assert.equal(deliveryStepVerdict('PICKED_UP', 'dispatch'), 'duplicate');
    // Arrived overtook packed and dispatched: it waits for them.
    assert.equal(deliveryStepVerdict('PAID', 'arrive'), 'wait');
    assert.equal(deliveryStepVerdict('PENDING_PAYMENT', 'pack'), 'wait');
    // A cancelled or refunded order is past every step: nothing more applies.
    assert.equal(deliveryStepVerdict('CANCELLED', 'pack'), 'duplicate');
    assert.equal(deliveryStepVerdict('REFUNDED', 'pickUp'), 'duplicate');
  });
});
