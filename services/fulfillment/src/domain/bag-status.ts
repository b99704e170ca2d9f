// A bag's life from the pick list to the buyer's hands; each transition names the states it may
// start from, so a repeated or out-of-order request is refused instead of applied twice.
export type BagStatus = 'PENDING' | 'PACKED' | 'OUT_FOR_DELIVERY' | 'READY_FOR_PICKUP' | 'PICKED_UP' | 'CANCELLED';
export type BagTransition = 'pack' | 'dispatch' | 'arrive' | 'pickUp' | 'cancel';

const rules: Record<BagTransition, { from: BagStatus[]; to: BagStatus }> = {
  pack: { from: ['PENDING'], to: 'PACKED' },
  dispatch: { from: ['PACKED'], to: 'OUT_FOR_DELIVERY' },
  arrive: { from: ['OUT_FOR_DELIVERY'], to: 'READY_FOR_PICKUP' },
  pickUp: { from: ['READY_FOR_PICKUP'], to: 'PICKED_UP' },
  // Cancellations and refunds only take a bag out before it is packed.
  cancel: { from: ['PENDING'], to: 'CANCELLED' },
};

export const bagFrom = (t: BagTransition) => rules[t].from;
export const bagTo = (t: BagTransition) => rules[t].to;

export type StopStatus = 'PENDING' | 'ARRIVED' | 'HANDED_OVER' | 'RECEIVED';
export type StopTransition = 'arrive' | 'handOver' | 'receive';

const stopRules: Record<StopTransition, { from: StopStatus; to: StopStatus }> = {
  arrive: { from: 'PENDING', to: 'ARRIVED' },
  handOver: { from: 'ARRIVED', to: 'HANDED_OVER' },
  receive: { from: 'HANDED_OVER', to: 'RECEIVED' },
};

export const stopFrom = (t: StopTransition) => stopRules[t].from;
export const stopTo = (t: StopTransition) => stopRules[t].to;
