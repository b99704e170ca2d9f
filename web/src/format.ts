// Display formats: money from integer fen, countdowns, times, and order status labels in 中文 + English.

/** 2990 → "¥29.90"; integer arithmetic so no float rounding ever shows. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Milliseconds → "mm:ss" (or "h:mm:ss"), never negative. */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function clockTime(at: string | number | Date): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString('zh-CN', { hour12: false });
}

export function dateTime(at: string | number | Date): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString('zh-CN', { hour12: false });
}

export const ORDER_STATUS_LABELS: Record<string, string> = {
  PENDING_PAYMENT: '待支付 Awaiting payment',
  PAID: '已支付 Paid',
  PACKED: '已打包 Packed',
  OUT_FOR_DELIVERY: '配送中 Out for delivery',
  READY_FOR_PICKUP: '待取货 Ready for pickup',
  PICKED_UP: '已完成 Picked up',
  CANCELLED: '已取消 Cancelled',
  REFUNDED: '已退款 Refunded',
};

/** The happy path a buyer follows after paying, in order. */
export const ORDER_PROGRESS = ['PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP'] as const;

export function statusLabel(status: string): string {
  return ORDER_STATUS_LABELS[status] ?? status;
}

/** Error codes a buyer or staff member may meet, explained in both languages. */
const REFUSALS: Record<string, string> = {
  SOLD_OUT: '已抢光 Sold out',
  LIMIT_REACHED: '已达限购 Purchase limit reached',
  RATE_LIMITED: '操作太快 Too fast, slow down',
  MUTED: '您已被禁言 You are muted',
  UNAUTHENTICATED: '请重新登录 Please sign in again',
  FORBIDDEN: '无权限 Not allowed',
  NOT_FOUND: '未找到 Not found',
  INVALID_STATE: '状态不允许 Not possible now',
  INVALID_ARGUMENT: '输入有误 Invalid input',
  SALE_NOT_STARTED: '尚未开始 Not started yet',
  SALE_ENDED: '已结束 Sale ended',
  MEDIA_PREPARING: '视频准备中 Video is being prepared',
  NO_PICKUP_POINT: '请先选择自提点 Choose a pickup point first',
  PICKUP_POINT_NOT_SERVED: '该自提点不配送此商品 This pickup point is not served for this item',
};

export function refusal(code: string | undefined, message?: string): string {
  const known = code ? REFUSALS[code] : undefined;
  if (known && message && !known.toLowerCase().includes(message.toLowerCase())) return `${known} (${message})`;
  return known ?? message ?? code ?? '出错了 Something went wrong';
}
