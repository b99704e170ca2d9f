// After-sales (售后) as the REST API shows it, with the rules both ends share: the kinds of
// request, the statuses, the photo limits and the SLA the platform promises (24 h / 48 h).
export const AFTER_SALES_KINDS = ['MISSING', 'DAMAGED', 'WRONG_ITEM', 'QUALITY'] as const;
export type AfterSalesKind = (typeof AFTER_SALES_KINDS)[number];

export const AFTER_SALES_STATUSES = ['OPEN', 'ANSWERED', 'RESOLVED'] as const;
export type AfterSalesStatus = (typeof AFTER_SALES_STATUSES)[number];

export const AFTER_SALES_RULES = {
  /** Photos per request, each at most `photoMaxBytes`, of one of `photoTypes` by its content. */
  photoMax: 3,
  photoMaxBytes: 1024 * 1024,
  photoTypes: ['image/jpeg', 'image/png', 'image/webp'],
  text: { min: 1, max: 1000 },
  /** The first answer is due this long after opening, the resolution this long. */
  respondWithinMs: 24 * 3600_000,
  resolveWithinMs: 48 * 3600_000,
} as const;

/** The promise a case missed (no first answer within 24 h, not resolved within 48 h). */
export type AfterSalesSla = 'RESPONSE' | 'RESOLUTION';

export interface AfterSalesView {
  id: string;
  orderId: string;
  buyerId: string;
  leaderId: string;
  warehouseId: string;
  skuId: string;
  qty: number;
  kind: AfterSalesKind;
  text: string;
  status: AfterSalesStatus;
  /** buyer, or shortage (opened by a shortage reported at handover). */
  openedBy: string;
  orderStatus: string;
  photos: { id: string; contentType: string; sizeBytes: number; url: string }[];
  messages: { authorId: string; authorRole: string; text: string; at: string }[];
  paidFen: number;
  refundableFen: number;
  refundFen: number;
  refundStatus: string;
  resolutionNote: string;
  openedAt: string;
  respondBy: string;
  resolveBy: string;
  answeredAt: string | null;
  resolvedAt: string | null;
  /** SLAs missed and escalated to admins: RESPONSE, RESOLUTION. */
  escalations: string[];
}

export interface AfterSalesReportView {
  open: number;
  answered: number;
  resolved: number;
  responseOverdue: number;
  resolutionOverdue: number;
  escalated: number;
  overdueCases: AfterSalesView[];
}
