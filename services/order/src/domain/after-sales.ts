// After-sales rules without I/O: who may open, read and handle a case, which order statuses admit
// one, how a resolution's refund compares with what is left, and which SLAs a case has missed.
import { AFTER_SALES_KINDS, AFTER_SALES_RULES, type AfterSalesKind, type AfterSalesSla, type AfterSalesStatus } from '@lc/contracts';
import type { OrderStatus } from './order-status.js';

export interface Actor {
  userId: string;
  role: string;
  warehouseId: string;
}

/** What the rules need of a case. */
export interface CaseFacts {
  buyerId: string;
  leaderId: string;
  warehouseId: string;
  status: AfterSalesStatus;
  openedAtMs: number;
  respondByMs: number;
  resolveByMs: number;
}

/** A buyer asks about a paid order not yet on its way, or one they collected (the brief's words). */
const BUYER_OPENS_FROM: OrderStatus[] = ['PAID', 'PICKED_UP'];

export type Refusal = { ok: false; code: 'INVALID_ARGUMENT' | 'INVALID_STATE' | 'NOT_FOUND' | 'FORBIDDEN'; message: string };
export type Verdict<T = undefined> = ({ ok: true } & (T extends undefined ? object : { value: T })) | Refusal;

export const isKind = (k: string): k is AfterSalesKind => (AFTER_SALES_KINDS as readonly string[]).includes(k);

export function checkText(text: string, field = 'text'): Verdict {
  const t = text.trim();
  if (t.length < AFTER_SALES_RULES.text.min || t.length > AFTER_SALES_RULES.text.max) {
    return { ok: false, code: 'INVALID_ARGUMENT', message: `${field}: ${AFTER_SALES_RULES.text.min} to ${AFTER_SALES_RULES.text.max} characters` };
  }
  return { ok: true };
}

export function buyerMayOpen(orderStatus: OrderStatus): Verdict {
  if (BUYER_OPENS_FROM.includes(orderStatus)) return { ok: true };
  return { ok: false, code: 'INVALID_STATE', message: `after-sales opens on a paid or collected order; this one is ${orderStatus}` };
}

/** Readers: the buyer, the order's leader, the serving warehouse's staff, admins. Others: not found. */
export function mayRead(actor: Actor, c: Pick<CaseFacts, 'buyerId' | 'leaderId' | 'warehouseId'>): boolean {
  if (actor.role === 'buyer') return c.buyerId === actor.userId;
  return mayHandle(actor, c);
}

/** Who answers and resolves: the order's leader, the serving warehouse's staff, admins. */
export function mayHandle(actor: Actor, c: Pick<CaseFacts, 'leaderId' | 'warehouseId'>): boolean {
  if (actor.role === 'admin') return true;
  if (actor.role === 'leader') return c.leaderId !== '' && c.leaderId === actor.userId;
  if (actor.role === 'warehouse') return actor.warehouseId !== '' && c.warehouseId === actor.warehouseId;
  return false;
}

export function mayAnswer(status: AfterSalesStatus): Verdict {
  return status === 'RESOLVED' ? { ok: false, code: 'INVALID_STATE', message: 'the case is already resolved' } : { ok: true };
}

/**
 * A resolution's refund against the payment: the whole remainder is a full refund, less is
 * partial, more is refused (never more than was paid across every refund).
 */
export function refundKind(paidFen: number, refundedFen: number, refundFen: number): Verdict<'none' | 'full' | 'partial'> {
  const left = paidFen - refundedFen;
  if (!Number.isSafeInteger(refundFen) || refundFen < 0) return { ok: false, code: 'INVALID_ARGUMENT', message: 'refundFen: must be a whole number of fen, 0 or more' };
  if (refundFen > left) return { ok: false, code: 'INVALID_ARGUMENT', message: `refundFen: ${refundFen} is more than the ${left} fen still refundable (paid ${paidFen}, refunded ${refundedFen})` };
  if (refundFen === 0) return { ok: true, value: 'none' };
  return { ok: true, value: refundFen === left ? 'full' : 'partial' };
}

/** A shortage's refund: the missing units at the order's unit price, capped by what is left. */
export function shortageRefundFen(unitPriceFen: number, missingQty: number, orderQty: number, refundableFen: number): number {
  const units = Math.min(Math.max(missingQty, 0), orderQty);
  return Math.min(unitPriceFen * units, refundableFen);
}

export function deadlines(openedAtMs: number): { respondByMs: number; resolveByMs: number } {
  return { respondByMs: openedAtMs + AFTER_SALES_RULES.respondWithinMs, resolveByMs: openedAtMs + AFTER_SALES_RULES.resolveWithinMs };
}

export type Sla = AfterSalesSla;

/** The SLAs a case has missed at `nowMs`: no first answer in time, not resolved in time. */
export function overdue(c: Pick<CaseFacts, 'status' | 'respondByMs' | 'resolveByMs'>, nowMs: number): Sla[] {
  const missed: Sla[] = [];
  if (c.status === 'OPEN' && nowMs > c.respondByMs) missed.push('RESPONSE');
  if (c.status !== 'RESOLVED' && nowMs > c.resolveByMs) missed.push('RESOLUTION');
  return missed;
}
