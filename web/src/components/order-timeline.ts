// A buyer's order: total, payment (or cancelling it unpaid), and the timeline
// 已支付 → 已打包 → 配送中 → 已到达自提点 → 已提货 with the time of each step reached.
import { h, fill } from '../dom.js';
import { ORDER_PROGRESS, clockTime, countdown, statusLabel, yuan } from '../format.js';
import type { OrderView as Order, OrderStatusName as OrderStatus } from '@lc/contracts/views';

export class OrderCard {
  readonly element: HTMLElement;
  private readonly statusEl = h('span', { class: 'badge order-status' });
  private readonly timelineEl = h('ol', { class: 'timeline' });
  private readonly payRow = h('div', { class: 'row pay-row' });
  private readonly payButton = h('button', { class: 'primary pay' }, '立即支付 Pay now');
  private readonly cancelButton = h('button', { class: 'small cancel' }, '取消订单 Cancel');
  private readonly deadlineEl = h('span', { class: 'muted' });
  private readonly reached = new Map<string, string>();

  /** `onCancel`, when given, lets the buyer cancel an order they have not paid for yet. */
  constructor(
    public order: Order,
    private readonly onPay: (card: OrderCard) => Promise<void>,
    private readonly onCancel?: (card: OrderCard) => Promise<void>,
  ) {
    this.payButton.addEventListener('click', () => void this.act(this.onPay));
    this.payRow.append(this.payButton, this.deadlineEl);
    if (onCancel) {
      this.cancelButton.addEventListener('click', () => void this.act(onCancel));
      this.payRow.append(this.cancelButton);
    }
    this.element = h(
      'div',
      { class: 'card order', 'data-order-id': order.id },
      h('div', { class: 'row' }, h('h3', { class: 'grow' }, `订单 Order ${order.id.slice(0, 8)}`), this.statusEl),
      h('div', { class: 'muted' }, `${order.qty} 件 pcs · 合计 Total `, h('strong', { class: 'total' }, yuan(order.totalFen))),
      this.payRow,
      this.timelineEl,
    );
    this.update(order);
  }

  /** A full order from the server (its timeline is authoritative). */
  update(order: Order): void {
    this.order = order;
    for (const t of order.timeline) if (!this.reached.has(t.status)) this.reached.set(t.status, t.at);
    this.render();
  }

  /** A pushed status change; the push may arrive before or after the ack that carried the order. */
  pushed(status: OrderStatus, atMs: number): void {
    if (!this.reached.has(status)) this.reached.set(status, new Date(atMs).toISOString());
    const rank = (s: string) => (s === 'PENDING_PAYMENT' ? 0 : ORDER_PROGRESS.indexOf(s as (typeof ORDER_PROGRESS)[number]) + 1);
    if (status === 'CANCELLED' || status === 'REFUNDED' || rank(status) > rank(this.order.status)) this.order = { ...this.order, status };
    this.render();
  }

  tick(nowMs: number): void {
    if (this.order.status !== 'PENDING_PAYMENT') return;
    const left = Date.parse(this.order.paymentDeadline) - nowMs;
    this.deadlineEl.textContent = left > 0 ? `请在 ${countdown(left)} 内支付 Pay within ${countdown(left)}` : '支付已超时 Payment time is up';
    this.payButton.disabled = left <= 0;
  }

  /** Paying and cancelling exclude each other while one is under way. */
  private async act(action: (card: OrderCard) => Promise<void>): Promise<void> {
    this.payButton.disabled = this.cancelButton.disabled = true;
    try {
      await action(this);
    } finally {
      this.payButton.disabled = this.cancelButton.disabled = this.order.status !== 'PENDING_PAYMENT';
    }
  }

  private render(): void {
    const status = this.order.status;
    this.element.dataset.status = status;
    this.statusEl.textContent = statusLabel(status);
    this.statusEl.className = `badge order-status ${status === 'PENDING_PAYMENT' ? 'warn' : status === 'CANCELLED' || status === 'REFUNDED' ? '' : 'ok'}`;
    this.payRow.classList.toggle('hidden', status !== 'PENDING_PAYMENT');
    const steps: string[] = status === 'CANCELLED' || status === 'REFUNDED' ? ['PENDING_PAYMENT', status] : ['PENDING_PAYMENT', ...ORDER_PROGRESS];
    fill(
      this.timelineEl,
      ...steps.map((s) => {
        const at = this.reached.get(s);
        return h(
          'li',
          { class: `${at ? 'done' : ''} ${s === status ? 'current' : ''}`, 'data-step': s },
          statusLabel(s),
          at ? h('span', { class: 'at' }, clockTime(at)) : null,
        );
      }),
    );
  }
}
