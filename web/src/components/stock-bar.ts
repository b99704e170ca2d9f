// Remaining stock as a bar and a count ("剩余 12/100 left").
import { h } from '../dom.js';
import type { Stock } from '@lc/contracts/views';

export class StockBar {
  readonly element: HTMLElement;
  private readonly fillBar = h('div', { style: 'width: 0%' });
  private readonly label = h('span', { class: 'stock-label' });
  private lastAtMs = 0;

  constructor(id: string) {
    this.element = h('div', { id, class: 'stock' }, h('div', { class: 'stockbar' }, this.fillBar), h('div', { class: 'muted' }, this.label));
  }

  /** Ignores updates older than the one shown (pushes and REST answers can cross). */
  show(stock: Stock): void {
    if (stock.atMs && stock.atMs < this.lastAtMs) return;
    this.lastAtMs = stock.atMs || this.lastAtMs;
    const pct = stock.quantity > 0 ? Math.max(0, Math.min(100, (stock.available / stock.quantity) * 100)) : 0;
    this.fillBar.style.width = `${pct}%`;
    this.label.textContent = `剩余 ${stock.available}/${stock.quantity} left · 已售 ${stock.sold} sold${stock.held ? ` · 待支付 ${stock.held} held` : ''}`;
    this.element.dataset.available = String(stock.available);
    this.element.dataset.quantity = String(stock.quantity);
  }

  reset(): void {
    this.lastAtMs = 0;
  }
}
