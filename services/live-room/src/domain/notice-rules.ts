// Which notices an event becomes: one pure function from (subject, payload) to drafts, each with
// the key of its source event, so a redelivered or replayed event (which the dead-letter replay
// republishes under a new message id) maps to the same key and adds nothing.
import { z } from 'zod';
import { DomainError } from '@lc/kit';
import type { AfterSalesEvent, DeferredEvent, GroupBuyFailedEvent, GroupBuyReminderEvent, NoticeKind, OrderEvent, OrderRefund } from '@lc/contracts';

export interface NoticeDraft {
  userId: string;
  /** The source event: one notice per user and key. */
  sourceKey: string;
  kind: NoticeKind;
  title: string;
  body: string;
  orderId?: string;
  refundFen?: number;
}

/** A schema reads only fields its event's payload (@lc/contracts) declares, by the same names. */
type FieldsOf<Event> = Partial<Record<keyof Event, z.ZodType>>;

const userId = z.string().min(1).max(128);
const orderEvent = z.object({ orderId: z.string().min(1).max(64), buyerId: userId, totalFen: z.number().int().nonnegative().optional(), groupBuyId: z.string().max(64).optional() } satisfies FieldsOf<OrderEvent>);
const fullRefund = orderEvent.extend({ refundFen: z.number().int().positive().optional() } satisfies FieldsOf<OrderRefund>);
const partialRefund = orderEvent.extend({ refundId: z.string().min(1).max(64), refundFen: z.number().int().positive() } satisfies FieldsOf<OrderRefund>);
const afterSales = z.object({ caseId: z.string().min(1).max(64), orderId: z.string().min(1).max(64), buyerId: userId, status: z.string().max(40).optional() } satisfies FieldsOf<AfterSalesEvent>);
const deferred = z.object({ orderId: z.string().min(1).max(64), buyerId: userId, fromDate: z.string().max(10), deliveryDate: z.string().max(10) } satisfies FieldsOf<DeferredEvent>);
const groupBuyFailed = z.object({
  groupBuyId: z.string().min(1).max(64),
  title: z.string().max(200),
  orderIds: z.array(z.string().max(64)).max(10_000),
  buyerIds: z.array(userId).max(10_000),
} satisfies FieldsOf<GroupBuyFailedEvent>);
const groupBuyReminder = z.object({
  groupBuyId: z.string().min(1).max(64),
  leaderId: userId,
  title: z.string().max(200),
  cutoffAtMs: z.number().int(),
  joinedQty: z.number().int().nonnegative(),
  minQty: z.number().int().positive(),
  atMs: z.number().int(),
} satisfies FieldsOf<GroupBuyReminderEvent>);

// Integer arithmetic, so no float rounding shows (as the web's `yuan`).
export const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
/** An order's id as notices and texts show it. */
export const short = (orderId: string) => orderId.slice(0, 8);

type StepSubject = 'order.paid' | 'order.status.packed' | 'order.status.out_for_delivery' | 'order.status.ready_for_pickup' | 'order.status.picked_up';
const ORDER_STEPS: Record<StepSubject, { kind: NoticeKind; title: string; body: (order: string, totalFen?: number, groupBuyId?: string) => string }> = {
  'order.paid': {
    kind: 'ORDER_PAID',
    title: '支付成功 Payment received',
    // A group buy's order ships only once the group buy succeeds at its cut-off.
    body: (o, fen, groupBuyId) =>
      `订单 ${o} 已支付${fen !== undefined ? ` ${yuan(fen)}` : ''}，${groupBuyId ? '成团后送达自提点，未成团全额退款。' : '明天送达自提点。'}` +
      (groupBuyId ? `Order ${o} is paid: it ships once the group buy reaches its minimum, or is refunded in full.` : `Order ${o} is paid and will reach your pickup point tomorrow.`),
  },
  'order.status.packed': { kind: 'ORDER_PACKED', title: '已打包 Packed', body: (o) => `订单 ${o} 已在仓库打包。Order ${o} was packed at the warehouse.` },
  'order.status.out_for_delivery': { kind: 'OUT_FOR_DELIVERY', title: '配送中 Out for delivery', body: (o) => `订单 ${o} 正在送往自提点。Order ${o} is on its way to your pickup point.` },
  'order.status.ready_for_pickup': {
    kind: 'READY_FOR_PICKUP',
    title: '包裹已到达自提点 Ready for pickup',
    body: (o) => `订单 ${o} 已到达自提点，请出示取件码提货。Order ${o} is at your pickup point: show your pickup code.`,
  },
  'order.status.picked_up': { kind: 'PICKED_UP', title: '已提货 Picked up', body: (o) => `订单 ${o} 已提货，感谢购买。Order ${o} was picked up. Thank you!` },
};

function parse<T>(schema: z.ZodType<T>, subject: string, payload: unknown): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError('INVALID_ARGUMENT', `${subject}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'malformed payload'}`);
  }
  return parsed.data;
}

/** The notices `subject` carrying `payload` becomes; [] for a subject the inbox does not notify. A malformed payload is refused. */
export function noticesFor(subject: string, payload: unknown): NoticeDraft[] {
  if (subject in ORDER_STEPS) {
    const step = ORDER_STEPS[subject as StepSubject];
    const e = parse(orderEvent, subject, payload);
    return [{ userId: e.buyerId, sourceKey: `${subject}:${e.orderId}`, kind: step.kind, title: step.title, body: step.body(short(e.orderId), e.totalFen, e.groupBuyId), orderId: e.orderId }];
  }
  switch (subject) {
    case 'order.refunded': {
      // One full refund per order; without `refundFen` (a cancelled paid order) it is the total.
      const e = parse(fullRefund, subject, payload);
      const fen = e.refundFen ?? e.totalFen;
      return [refundNotice(`${subject}:${e.orderId}`, e.buyerId, e.orderId, fen)];
    }
    case 'order.partially_refunded': {
      const e = parse(partialRefund, subject, payload);
      return [refundNotice(`${subject}:${e.refundId}`, e.buyerId, e.orderId, e.refundFen)];
    }
    case 'order.after_sales.answered': {
      // The first answer is what the buyer waits for (and what the 24 h promise is about).
      const e = parse(afterSales, subject, payload);
      const o = short(e.orderId);
      return [{ userId: e.buyerId, sourceKey: `${subject}:${e.caseId}`, kind: 'AFTER_SALES_ANSWERED', title: '售后已回复 After-sales answered', body: `您对订单 ${o} 的售后申请已有回复。Your after-sales request for order ${o} has an answer.`, orderId: e.orderId }];
    }
    case 'fulfillment.deferred': {
      // The pickup point was full on the delivery day: the parcel goes out on a later one.
      const e = parse(deferred, subject, payload);
      const o = short(e.orderId);
      return [{
        userId: e.buyerId,
        sourceKey: `${subject}:${e.orderId}`,
        kind: 'DEFERRED',
        title: '自提点当日已满，顺延送达 Pickup point full: later delivery',
        body: `自提点 ${e.fromDate} 已满，订单 ${o} 改为 ${e.deliveryDate} 送达。Your pickup point is full on ${e.fromDate}; order ${o} arrives on ${e.deliveryDate}.`,
        orderId: e.orderId,
      }];
    }
    case 'order.group_buy.reminder': {
      // To the leader: minutes rather than a clock time, so no zone is needed to read it right.
      const e = parse(groupBuyReminder, subject, payload);
      const minutes = Math.max(Math.round((e.cutoffAtMs - e.atMs) / 60_000), 0);
      const missing = Math.max(e.minQty - e.joinedQty, 0);
      const state = missing
        ? `还差 ${missing} 件成团 (${e.joinedQty}/${e.minQty})。${missing} more to reach the minimum (${e.joinedQty}/${e.minQty}).`
        : `已达成团门槛 (${e.joinedQty}/${e.minQty})。The minimum is reached (${e.joinedQty}/${e.minQty}).`;
      return [{
        userId: e.leaderId,
        sourceKey: `${subject}:${e.groupBuyId}`,
        kind: 'GROUP_BUY_REMINDER',
        title: '拼团即将截单 Group buy closing soon',
        body: `「${e.title}」${minutes} 分钟后截单，${state} "${e.title}" closes in ${minutes} min.`,
      }];
    }
    case 'order.group_buy.failed': {
      const e = parse(groupBuyFailed, subject, payload);
      // orderIds and buyerIds run side by side when they have the same length; a buyer with
      // several orders in the group buy gets one notice.
      const orderOf = new Map<string, string>();
      if (e.orderIds.length === e.buyerIds.length) e.buyerIds.forEach((b, i) => orderOf.has(b) || orderOf.set(b, e.orderIds[i]!));
      return [...new Set(e.buyerIds)].map((buyer) => ({
        userId: buyer,
        sourceKey: `${subject}:${e.groupBuyId}`,
        kind: 'GROUP_BUY_FAILED' as const,
        title: '拼团未成团 Group buy failed',
        body: `「${e.title}」未达到成团人数，订单将全额退款。"${e.title}" did not reach its minimum: your order will be refunded in full.`,
        ...(orderOf.has(buyer) ? { orderId: orderOf.get(buyer)! } : {}),
      }));
    }
    default:
      return [];
  }
}

function refundNotice(sourceKey: string, buyerId: string, orderId: string, fen: number | undefined): NoticeDraft {
  const o = short(orderId);
  const amount = fen !== undefined ? ` ${yuan(fen)}` : '';
  return {
    userId: buyerId,
    sourceKey,
    kind: 'REFUND_ISSUED',
    title: '退款已发起 Refund issued',
    body: `订单 ${o} 的退款${amount}已原路退回。The refund${amount} for order ${o} is on its way back to your payment method.`,
    orderId,
    ...(fen !== undefined ? { refundFen: fen } : {}),
  };
}
