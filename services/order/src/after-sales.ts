// After-sales (售后): buyers open requests on their own paid or collected orders; the order's
// leader or the serving warehouse's staff answer and resolve them with a full or partial provider
// refund; shortages reported at handover open a case refunded at once; missed SLAs are escalated.
import { randomUUID } from 'node:crypto';
import { DomainError, type Logger, type PoolClient } from '@lc/kit';
import type { AfterSalesCase, HandoverShortageEvent } from '@lc/contracts';
import { AfterSalesStore, type CaseRow } from './adapters/after-sales-store.js';
import type { OrderRow, OrderStore } from './adapters/order-store.js';
import type { PaymentStore } from './adapters/payment-store.js';
import type { PhotoStorage } from './adapters/photo-storage.js';
import { buyerMayOpen, checkText, deadlines, isKind, mayAnswer, mayHandle, mayRead, shortageRefundFen, type Actor, type Refusal, type Verdict } from './domain/after-sales.js';
import { checkPhotos } from './domain/photo-check.js';
import type { Payments } from './payments.js';

function refuse(v: Refusal): never {
  throw new DomainError(v.code, v.message);
}

function must<T>(v: Verdict<T>): T extends undefined ? void : T {
  if (!v.ok) refuse(v);
  return (v as { value?: unknown }).value as never;
}

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

export class AfterSales {
  constructor(
    private readonly store: AfterSalesStore,
    private readonly orders: OrderStore,
    private readonly paymentStore: PaymentStore,
    private readonly payments: Payments,
    private readonly photos: PhotoStorage,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async open(actor: Actor, req: { orderId: string; kind: string; text: string; photos: Uint8Array[] }): Promise<AfterSalesCase> {
    if (actor.role !== 'buyer') throw new DomainError('FORBIDDEN', 'only the buyer opens an after-sales request');
    const order = await this.orders.byId(req.orderId);
    if (!order || order.buyerId !== actor.userId) throw new DomainError('NOT_FOUND', `no order ${req.orderId}`);
    if (!isKind(req.kind)) throw new DomainError('INVALID_ARGUMENT', 'kind: one of MISSING, DAMAGED, WRONG_ITEM, QUALITY');
    must(checkText(req.text));
    const photos = must(await checkPhotos(req.photos));
    must(buyerMayOpen(order.status));
    const open = await this.store.unresolvedOf(order.id);
    if (open) throw new DomainError('CONFLICT', `order ${order.id} already has an open after-sales case`, { caseId: open });
    const openedAtMs = this.now();
    const id = randomUUID();
    try {
      await this.store.inTransaction(async (client) => {
        await AfterSalesStore.insert(client, { id, orderId: order.id, buyerId: order.buyerId, leaderId: order.leaderId, warehouseId: order.warehouseId, kind: req.kind as never, text: req.text.trim(), openedBy: 'buyer', openedAtMs, ...deadlines(openedAtMs) });
        await AfterSalesStore.addMessage(client, { caseId: id, authorId: actor.userId, authorRole: 'buyer', text: req.text.trim(), atMs: openedAtMs });
        for (const [position, p] of photos.entries()) {
          const photoId = randomUUID();
          await AfterSalesStore.addPhoto(client, { id: photoId, caseId: id, contentType: p.contentType, sizeBytes: p.data.length, position });
          await this.photos.save(client, photoId, p.data);
        }
        await AfterSalesStore.publish(client, 'opened', this.event(order, id, 'OPEN', openedAtMs));
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DomainError('CONFLICT', `order ${order.id} already has an open after-sales case`);
      throw e;
    }
    return this.view(id);
  }

  async get(actor: Actor, caseId: string): Promise<AfterSalesCase> {
    await this.readable(actor, caseId);
    return this.view(caseId);
  }

  async list(actor: Actor, f: { status: string; orderId: string; limit: number }): Promise<AfterSalesCase[]> {
    const limit = Math.min(Math.max(f.limit || 50, 1), 200);
    const status = f.status || undefined;
    const orderId = f.orderId && /^[0-9a-f-]{36}$/i.test(f.orderId) ? f.orderId : undefined;
    if (f.orderId && !orderId) return [];
    const scope =
      actor.role === 'buyer' ? { buyerId: actor.userId }
      : actor.role === 'leader' ? { leaderId: actor.userId }
      : actor.role === 'warehouse' && actor.warehouseId ? { warehouseId: actor.warehouseId }
      : actor.role === 'admin' ? {}
      : undefined;
    if (!scope) throw new DomainError('FORBIDDEN', `role ${actor.role} has no after-sales cases${actor.role === 'warehouse' ? ' without a warehouse' : ''}`);
    const rows = await this.store.list({ ...scope, ...(status ? { status } : {}), ...(orderId ? { orderId } : {}), limit });
    return Promise.all(rows.map((c) => this.toView(c)));
  }

  async photo(actor: Actor, caseId: string, photoId: string): Promise<{ contentType: string; data: Buffer }> {
    await this.readable(actor, caseId);
    const meta = await this.store.photoOf(caseId, photoId);
    const data = meta && (await this.photos.load(photoId));
    if (!meta || !data) throw new DomainError('NOT_FOUND', `no photo ${photoId}`);
    return { contentType: meta.contentType, data };
  }

  async answer(actor: Actor, caseId: string, text: string): Promise<AfterSalesCase> {
    const c = await this.handleable(actor, caseId);
    must(checkText(text));
    const atMs = this.now();
    await this.store.inTransaction(async (client) => {
      const locked = await AfterSalesStore.lock(client, caseId);
      must(mayAnswer(locked!.status));
      await AfterSalesStore.addMessage(client, { caseId, authorId: actor.userId, authorRole: actor.role, text: text.trim(), atMs });
      if (await AfterSalesStore.markAnswered(client, caseId, atMs)) await AfterSalesStore.publish(client, 'answered', { ...this.caseEvent(c, 'ANSWERED', atMs) });
    });
    return this.view(caseId);
  }

  /** Resolves with a refund of `refundFen` (0: none), once; the refund reaches the provider once. */
  async resolve(actor: Actor, caseId: string, refundFen: number, note: string): Promise<AfterSalesCase> {
    const c = await this.handleable(actor, caseId);
    if (note.length > 1000) throw new DomainError('INVALID_ARGUMENT', 'note: at most 1000 characters');
    if (c.status === 'RESOLVED') throw new DomainError('INVALID_STATE', 'the case is already resolved');
    const order = (await this.orders.byId(c.orderId))!;
    const atMs = this.now();
    const lockOpenCase = async (client: PoolClient) => {
      // Concurrent resolutions queue here; the second finds the case resolved and changes nothing.
      if ((await AfterSalesStore.lock(client, caseId))?.status === 'RESOLVED') throw new DomainError('INVALID_STATE', 'the case is already resolved');
    };
    const reason = `after-sales ${c.kind.toLowerCase()}: ${note || 'resolved'}`.slice(0, 500);
    await this.payments.refundAfterSales(order, { refundFen, cause: `after-sales:${caseId}`, reason, caseId }, async (client, refund) => {
      await AfterSalesStore.markResolved(client, caseId, { refundId: refund.refundId, refundFen: refund.kind === 'none' ? 0 : refundFen, note: note.trim(), atMs });
      if (note.trim()) await AfterSalesStore.addMessage(client, { caseId, authorId: actor.userId, authorRole: actor.role, text: note.trim(), atMs });
      await AfterSalesStore.publish(client, 'resolved', { ...this.caseEvent(c, 'RESOLVED', atMs), refundFen: refund.kind === 'none' ? 0 : refundFen });
    }, lockOpenCase);
    return this.view(caseId);
  }

  /**
   * A shortage at handover: a MISSING case, resolved as it opens with a refund of the missing
   * units at the order's unit price. The order's one shortage case and its refund cause make a
   * redelivered or repeated report change nothing.
   */
  async shortage(report: HandoverShortageEvent): Promise<CaseRow | undefined> {
    const source = `shortage:${report.orderId}`;
    const known = await this.store.bySource(source);
    if (known) return known;
    const order = await this.orders.byId(report.orderId);
    if (!order) {
      this.logger.warn({ orderId: report.orderId }, 'shortage for an unknown order ignored');
      return undefined;
    }
    const { paidFen, refundedFen } = await this.paymentStore.paidAndRefunded(order.id);
    const refundFen = shortageRefundFen(order.unitPriceFen, report.missingQty, order.qty, paidFen - refundedFen);
    if (refundFen <= 0) {
      this.logger.warn({ orderId: order.id, status: order.status }, 'shortage on an order with nothing left to refund; no case opened');
      return undefined;
    }
    const id = randomUUID();
    const atMs = this.now();
    const text = `交接缺货 ${report.missingQty} 件 Shortage at handover: ${report.missingQty} of ${order.qty} missing (reported by ${report.reportedBy})`;
    try {
      await this.payments.refundAfterSales(order, { refundFen, cause: source, reason: text, caseId: id }, async (client, refund) => {
        if (!(await AfterSalesStore.insert(client, { id, orderId: order.id, buyerId: order.buyerId, leaderId: order.leaderId, warehouseId: order.warehouseId, kind: 'MISSING', text, openedBy: 'shortage', source, status: 'RESOLVED', openedAtMs: atMs, ...deadlines(atMs) }))) {
          throw new DomainError('CONFLICT', 'shortage already handled');
        }
        await AfterSalesStore.markResolved(client, id, { refundId: refund.refundId, refundFen, note: '缺货自动退款 Missing units refunded automatically', atMs });
        await AfterSalesStore.addMessage(client, { caseId: id, authorId: report.reportedBy, authorRole: 'system', text, atMs });
        await AfterSalesStore.publish(client, 'opened', this.event(order, id, 'OPEN', atMs));
        await AfterSalesStore.publish(client, 'resolved', { ...this.event(order, id, 'RESOLVED', atMs), refundFen });
      });
    } catch (e) {
      // A twin delivery on another replica handled it first (same source, same refund cause).
      if ((e instanceof DomainError && (e.code === 'CONFLICT' || e.code === 'INVALID_STATE')) || isUniqueViolation(e)) {
        const handled = await this.store.bySource(source);
        if (handled) return handled;
      }
      throw e;
    }
    return this.store.byId(id);
  }

  /** One escalation pass at the injected clock's now; safe to run on every replica at once. */
  escalateOverdue(): Promise<{ caseId: string; sla: string }[]> {
    return this.store.escalateOverdue(this.now());
  }

  async report(limit: number) {
    const { counts, overdue } = await this.store.report(this.now(), Math.min(Math.max(limit || 100, 1), 500));
    return {
      open: counts.open ?? 0,
      answered: counts.answered ?? 0,
      resolved: counts.resolved ?? 0,
      responseOverdue: counts.response_overdue ?? 0,
      resolutionOverdue: counts.resolution_overdue ?? 0,
      escalated: counts.escalated ?? 0,
      overdueCases: await Promise.all(overdue.map((c) => this.toView(c))),
    };
  }

  private async readable(actor: Actor, caseId: string): Promise<CaseRow> {
    const c = await this.store.byId(caseId);
    if (!c || !mayRead(actor, c)) throw new DomainError('NOT_FOUND', `no after-sales case ${caseId}`);
    return c;
  }

  private async handleable(actor: Actor, caseId: string): Promise<CaseRow> {
    const c = await this.readable(actor, caseId);
    if (!mayHandle(actor, c)) throw new DomainError('FORBIDDEN', 'only the order’s leader or the serving warehouse answers and resolves');
    return c;
  }

  private event(order: OrderRow, caseId: string, status: CaseRow['status'], atMs: number) {
    return { caseId, orderId: order.id, buyerId: order.buyerId, leaderId: order.leaderId, status, atMs };
  }

  private caseEvent(c: CaseRow, status: CaseRow['status'], atMs: number) {
    return { caseId: c.id, orderId: c.orderId, buyerId: c.buyerId, leaderId: c.leaderId, status, atMs };
  }

  private async view(caseId: string): Promise<AfterSalesCase> {
    return this.toView((await this.store.byId(caseId))!);
  }

  private async toView(c: CaseRow): Promise<AfterSalesCase> {
    const [order, money] = await Promise.all([this.orders.byId(c.orderId), this.paymentStore.paidAndRefunded(c.orderId)]);
    return {
      id: c.id,
      orderId: c.orderId,
      buyerId: c.buyerId,
      leaderId: c.leaderId,
      warehouseId: c.warehouseId,
      kind: c.kind,
      text: c.text,
      status: c.status,
      openedBy: c.openedBy,
      photos: c.photos,
      messages: c.messages,
      refundFen: c.refundFen,
      refundStatus: c.refundStatus,
      skuId: order?.skuId ?? '',
      qty: order?.qty ?? 0,
      paidFen: money.paidFen,
      refundableFen: money.paidFen - money.refundedFen,
      openedAtMs: c.openedAtMs,
      respondByMs: c.respondByMs,
      resolveByMs: c.resolveByMs,
      answeredAtMs: c.answeredAtMs,
      resolvedAtMs: c.resolvedAtMs,
      escalations: c.escalations,
      resolutionNote: c.resolutionNote,
      orderStatus: order?.status ?? '',
    };
  }
}
