// The leader's customers (first and last order, orders, spend, repurchase), a page at a time, and
// the leader's signed share link to hand out: a buyer's first order through it makes them a customer.
import type { Api } from '../api.js';
import { describeError } from '../api.js';
import { fill, h, toast } from '../dom.js';
import { dateTime, yuan } from '../format.js';
import type { LeaderCustomersPage, ShareLinkView } from '@lc/contracts/views';

const PAGE_SIZE = 10;

export class LeaderCustomers {
  readonly element: HTMLElement;
  private readonly rows = h('tbody', {});
  private readonly summary = h('span', { class: 'muted grow customers-summary' });
  private readonly prev = h('button', { class: 'small prev-page', type: 'button' }, '上一页 Prev');
  private readonly next = h('button', { class: 'small next-page', type: 'button' }, '下一页 Next');
  private readonly link = h('input', { class: 'share-url grow', readonly: true, placeholder: '生成分享链接 Make a share link', 'aria-label': '分享链接 Share link' });
  private page = 1;

  constructor(private readonly api: Api) {
    const make = h('button', { class: 'small make-share-link', type: 'button' }, '生成分享链接 Make share link');
    make.addEventListener('click', () => void this.makeLink());
    this.prev.addEventListener('click', () => void this.load(this.page - 1));
    this.next.addEventListener('click', () => void this.load(this.page + 1));
    this.element = h(
      'section',
      { class: 'card wide leader-customers' },
      h('h2', {}, '我的顾客 ', h('span', { class: 'en' }, 'My customers')),
      h('div', { class: 'row' }, this.link, make),
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...['顾客 Buyer', '首单 First order', '最近 Last order', '订单 Orders', '消费 Spend', '复购 Repurchase'].map((t) => h('th', {}, t)))),
        this.rows,
      ),
      h('div', { class: 'row' }, this.summary, this.prev, this.next),
    );
  }

  async load(page = this.page): Promise<void> {
    try {
      const answer = await this.api.get<LeaderCustomersPage>(`/leader/customers?page=${page}&pageSize=${PAGE_SIZE}`);
      this.page = answer.page;
      this.show(answer);
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }

  private show(p: LeaderCustomersPage): void {
    const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
    fill(
      this.rows,
      ...(p.customers.length
        ? p.customers.map((c) =>
            h(
              'tr',
              { class: 'customer', 'data-buyer-id': c.buyerId, 'data-orders': c.orders, 'data-spend-fen': c.spendFen, 'data-repurchased': String(c.repurchased) },
              h('td', {}, c.buyerId),
              h('td', {}, dateTime(c.firstOrderAt)),
              h('td', {}, dateTime(c.lastOrderAt)),
              h('td', {}, c.orders),
              h('td', {}, yuan(c.spendFen)),
              h('td', {}, c.repurchased ? h('span', { class: 'badge ok' }, '复购 Repeat') : h('span', { class: 'muted' }, '—')),
            ),
          )
        : [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, '还没有顾客 No customers yet'))]),
    );
    this.summary.textContent = `共 ${p.total} 位 customers · 复购 ${p.repurchased} repeat · 第 ${p.page}/${pages} 页 page`;
    this.prev.disabled = p.page <= 1;
    this.next.disabled = p.page >= pages;
  }

  private async makeLink(): Promise<void> {
    try {
      const made = await this.api.post<ShareLinkView>('/leader/share-links', {});
      this.link.value = new URL(made.url, location.href).toString();
      this.link.select();
      toast(`分享链接有效至 ${dateTime(made.expiresAt)} Link valid until then`);
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }
}
