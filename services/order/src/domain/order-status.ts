// The order state machine: which transitions exist, each answered with the new status or a refusal.
export type OrderStatus =
  | 'PENDING_PAYMENT'
  | 'PAID'
  | 'PACKED'
  | 'OUT_FOR_DELIVERY'
  | 'READY_FOR_PICKUP'
  | 'PICKED_UP'
  | 'CANCELLED'
  | 'REFUNDED';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'PENDING_PAYMENT',
  'PAID',
  'PACKED',
  'OUT_FOR_DELIVERY',
  'READY_FOR_PICKUP',
  'PICKED_UP',
  'CANCELLED',
  'REFUNDED',
];

export type Transition = 'pay' | 'cancel' | 'expire' | 'pack' | 'dispatch' | 'arrive' | 'pickUp' | 'refund' | 'unpack';

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
