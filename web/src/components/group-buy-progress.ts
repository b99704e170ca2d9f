// A group buy's progress towards its minimum (成团门槛) as a bar and a line: the leader's list and
// the buyer's page show the same thing.
import { h } from '../dom.js';
import { countdown, dateTime, yuan } from '../format.js';
import type { GroupBuyView } from '@lc/contracts/views';

export const GROUP_BUY_STATUS_LABELS: Record<GroupBuyView['status'], string> = {
  OPEN: '拼团中 Open',
  SUCCEEDED: '已成团 Succeeded',
  FAILED: '未成团，已退款 Failed, refunded',
};

export class GroupBuyProgress {
  readonly element: HTMLElement;
  private readonly fillBar = h('div', { style: 'width: 0%' });
  private readonly line = h('div', { class: 'muted group-buy-line' });
  private readonly status = h('span', { class: 'badge group-buy-status' });
  private readonly when = h('div', { class: 'muted group-buy-when' });
  private cutoffAtMs = 0;
  private open = false;

  constructor(id?: string) {
    this.element = h('div', { class: 'group-buy-progress', ...(id ? { id } : {}) }, h('div', { class: 'stockbar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, this.fillBar), h('div', { class: 'row' }, this.status, this.line), this.when);
  }

  show(g: GroupBuyView, nowMs = Date.now()): void {
    this.fillBar.style.width = `${g.progressPercent}%`;
    this.fillBar.parentElement!.setAttribute('aria-valuenow', String(g.progressPercent));
    this.status.textContent = GROUP_BUY_STATUS_LABELS[g.status];
    this.cutoffAtMs = Date.parse(g.cutoffAt);
    this.open = g.status === 'OPEN';
    const missing = g.missingQty ? `还差 ${g.missingQty} 件成团 ${g.missingQty} more to go` : '已达成团门槛 Minimum reached';
    this.line.textContent = `已参团 ${g.joinedQty}/${g.minQty} joined · ${missing} · ${g.buyers} 人 buyers · 限量 ${g.stockCap} cap · ${yuan(g.priceFen)}`;
    Object.assign(this.element.dataset, { status: g.status, joined: String(g.joinedQty), min: String(g.minQty), percent: String(g.progressPercent) });
    this.tick(nowMs);
  }

  /** The cut-off line: a countdown while open, the time it closed otherwise. */
  tick(nowMs: number): void {
    const when = this.open ? `截单倒计时 closes in ${countdown(this.cutoffAtMs - nowMs)}` : `截单于 closed ${dateTime(this.cutoffAtMs)}`;
    this.when.textContent = when;
  }
}
