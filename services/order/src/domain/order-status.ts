// The order state machine: which transitions exist, each answered with the new status or a refusal.
import { ORDER_STATUSES, type OrderStatusName } from '@lc/contracts';

// The statuses are the public list in contracts (the buyer's timeline shows the same names).
export type OrderStatus = OrderStatusName;
export { ORDER_STATUSES };

export type Transition = 'pay' | 'cancel' | 'expire' | 'pack' | 'dispatch' | 'arrive' | 'pickUp' | 'refund' | 'unpack' | 'refundAfterSales';

const rules: Record<Transition, { from: OrderStatus[]; to: OrderStatus }> = {
  pay: { from: ['PENDING_PAYMENT'], to: 'PAID' },
  cancel: { from: ['PENDING_PAYMENT'], to: 'CANCELLED' },
  expire: { from: ['PENDING_PAYMENT'], to: 'CANCELLED' },
  pack: { from: ['PAID'], to: 'PACKED' },
  unpack: { from: ['PACKED'], to: 'PAID' },
  dispatch: { from: ['PACKED'], to: 'OUT_FOR_DELIVERY' },
  arrive: { from: ['OUT_FOR_DELIVERY'], to: 'READY_FOR_PICKUP' },
  pickUp: { from: ['READY_FOR_PICKUP'], to: 'PICKED_UP' },
  refund: { from: ['PAID'], to: 'REFUNDED' },
  // After-sales gives all the money back, at any point after payment (shortage, collected goods).
  refundAfterSales: { from: ['PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP'], to: 'REFUNDED' },
};

export type TransitionResult = { ok: true; to: OrderStatus } | { ok: false; reason: string };

export function transition(current: OrderStatus, t: Transition): TransitionResult {
  const rule = rules[t];
  if (rule.from.includes(current)) return { ok: true, to: rule.to };
  return { ok: false, reason: `cannot ${t} an order that is ${current}` };
}

export function allowedFrom(t: Transition): OrderStatus[] {
  return rules[t].from;
}

export function targetOf(t: Transition): OrderStatus {
  return rules[t].to;
}

/** Where a status sits on the happy path; cancelled and refunded end it. */
const PROGRESS: Record<OrderStatus, number> = {
  PENDING_PAYMENT: 0,
  PAID: 1,
  PACKED: 2,
  OUT_FOR_DELIVERY: 3,
  READY_FOR_PICKUP: 4,
  PICKED_UP: 5,
  CANCELLED: 99,
  REFUNDED: 99,
};

/**
 * How an order at `current` should treat a delivery step `t`: apply it, ignore it (already there
 * or past it: a redelivered event), or wait (an earlier step has not been applied yet).
 */
export function deliveryStepVerdict(current: OrderStatus, t: Transition): 'apply' | 'duplicate' | 'wait' {
  if (transition(current, t).ok) return 'apply';
  return PROGRESS[current] >= PROGRESS[targetOf(t)] ? 'duplicate' : 'wait';
}
