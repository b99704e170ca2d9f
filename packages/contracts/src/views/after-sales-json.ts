// An after-sales case as the public JSON shape (ISO times, photo URLs), from the proto message.
import type { AfterSalesCase, AfterSalesReportResponse } from '../gen/livecommerce/v1/order.js';
import type { AfterSalesKind, AfterSalesReportView, AfterSalesStatus, AfterSalesView } from './after-sales.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number) => (ms ? iso(ms) : null);

export function afterSalesJson(c: AfterSalesCase): AfterSalesView {
  return {
    id: c.id,
    orderId: c.orderId,
    buyerId: c.buyerId,
    leaderId: c.leaderId,
    warehouseId: c.warehouseId,
    skuId: c.skuId,
    qty: c.qty,
    kind: c.kind as AfterSalesKind,
    text: c.text,
    status: c.status as AfterSalesStatus,
    openedBy: c.openedBy,
    orderStatus: c.orderStatus,
    photos: c.photos.map((p) => ({ ...p, url: `/api/v1/after-sales/${c.id}/photos/${p.id}` })),
    messages: c.messages.map((m) => ({ authorId: m.authorId, authorRole: m.authorRole, text: m.text, at: iso(m.atMs) })),
    paidFen: c.paidFen,
    refundableFen: c.refundableFen,
    refundFen: c.refundFen,
    refundStatus: c.refundStatus,
    resolutionNote: c.resolutionNote,
    openedAt: iso(c.openedAtMs),
    respondBy: iso(c.respondByMs),
    resolveBy: iso(c.resolveByMs),
    answeredAt: isoOrNull(c.answeredAtMs),
    resolvedAt: isoOrNull(c.resolvedAtMs),
    escalations: c.escalations,
  };
}

export function afterSalesReportJson(r: AfterSalesReportResponse): AfterSalesReportView {
  return { ...r, overdueCases: r.overdueCases.map(afterSalesJson) };
}
