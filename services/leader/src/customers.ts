// A leader's customers, fed by order events: a paid order counts for the leader it credits (the
// buyer's binding, made by the order service), refunds lower the spend. Repurchase is two or more
// paid orders; a refunded order still counts as ordered.
import { DomainError } from '@lc/kit';
import type { CustomerRow, CustomerStore } from './adapters/customer-store.js';
import type { ConsumedCustomerSubject } from './adapters/customer-consumer.js';
import type { OrderEvent } from './events.js';

export const REPURCHASE_MIN_ORDERS = 2;

export class Customers {
  constructor(private readonly store: CustomerStore) {}

  async onOrderEvent(e: OrderEvent, subject: ConsumedCustomerSubject): Promise<void> {
    // An order credited to no leader has no leader's customer to update.
    if (!e.leaderId || !e.buyerId || !e.orderId) return;
    if (subject === 'order.paid') {
      await this.store.addPaidOrder(`paid:${e.orderId}`, { leaderId: e.leaderId, buyerId: e.buyerId, atMs: e.atMs, totalFen: e.totalFen });
      return;
    }
    // Keyed as the ledger keys them: a full refund once per order, each partial refund by its id.
    const key = subject === 'order.partially_refunded' ? `${subject}:${e.refundId ?? `${e.orderId}:${e.atMs}`}` : `${subject}:${e.orderId}`;
    await this.store.subtractRefund(key, { leaderId: e.leaderId, buyerId: e.buyerId, refundFen: e.refundFen ?? 0 });
  }

  async page(leaderId: string, page: number, pageSize: number): Promise<{ customers: (CustomerRow & { repurchased: boolean })[]; total: number; repurchased: number }> {
    if (!leaderId) throw new DomainError('INVALID_ARGUMENT', 'leaderId: required');
    if (!Number.isInteger(page) || page < 1) throw new DomainError('INVALID_ARGUMENT', 'page: must be at least 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw new DomainError('INVALID_ARGUMENT', 'pageSize: must be from 1 to 100');
    const result = await this.store.page(leaderId, (page - 1) * pageSize, pageSize);
    return { ...result, customers: result.customers.map((c) => ({ ...c, repurchased: c.orders >= REPURCHASE_MIN_ORDERS })) };
  }
}
