// The refusals of a sale, one enum from inventory's Lua script to the buyer: the same names are
// the script's answer, the proto outcome (RESERVE_OUTCOME_<name>, PLACE_ORDER_OUTCOME_<name>), the
// error code and what REST and the socket send. HTTP status and socket ack come from the one
// DomainError table in @lc/kit (all four are 409 Conflict).
import { DomainError } from '@lc/kit';
import { PlaceOrderOutcome } from './gen/livecommerce/v1/order.js';
import { ReserveOutcome } from './gen/livecommerce/v1/inventory.js';

export const SALE_REFUSALS = ['SOLD_OUT', 'LIMIT_REACHED', 'NOT_STARTED', 'ENDED'] as const;
export type SaleRefusal = (typeof SALE_REFUSALS)[number];

const isSaleRefusal = (name: string): name is SaleRefusal => (SALE_REFUSALS as readonly string[]).includes(name);

export function reserveOutcomeOf(result: 'RESERVED' | SaleRefusal): ReserveOutcome {
  return ReserveOutcome[`RESERVE_OUTCOME_${result}`];
}

export function placeOrderOutcomeOf(result: 'PLACED' | SaleRefusal): PlaceOrderOutcome {
  return PlaceOrderOutcome[`PLACE_ORDER_OUTCOME_${result}`];
}

/** The refusal a reserve or place-order outcome names; undefined for success (or unknown). */
export function saleRefusalOf(outcome: ReserveOutcome | PlaceOrderOutcome, of: 'reserve' | 'placeOrder'): SaleRefusal | undefined {
  const name = (of === 'reserve' ? ReserveOutcome[outcome] : PlaceOrderOutcome[outcome]) ?? '';
  const refusal = name.replace(/^(RESERVE|PLACE_ORDER)_OUTCOME_/, '');
  return isSaleRefusal(refusal) ? refusal : undefined;
}

/** What REST and the socket throw for an order that was not placed. */
export function placeOrderRefusal(outcome: PlaceOrderOutcome): DomainError {
  const code = saleRefusalOf(outcome, 'placeOrder');
  if (code === undefined) return new DomainError('INTERNAL', `unexpected place-order outcome ${outcome}`);
  return new DomainError(code, code.toLowerCase().replace(/_/g, ' '));
}

/**
 * Why an order cannot be placed for where it would go: the buyer has no pickup point (no choice,
 * no leader with one), or the point is not served by the warehouse the goods ship from. Refused
 * before anything is written, never accepted and left undeliverable (HTTP 409 from the kit table).
 */
export const PICKUP_POINT_REFUSALS = ['NO_PICKUP_POINT', 'PICKUP_POINT_NOT_SERVED'] as const;
export type PickupPointRefusal = (typeof PICKUP_POINT_REFUSALS)[number];

export function pickupPointRefusal(code: PickupPointRefusal, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(code, message, details);
}
