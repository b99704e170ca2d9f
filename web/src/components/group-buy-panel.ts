// The leader console's group buys (开团): open one on one of their SKUs (start, cut-off, stock cap,
// minimum to succeed), and follow their own with progress bars and a link to the buyers' page.
import { describeError, type Api } from '../api.js';
import { toFen } from '../catalog-labels.js';
import { byId, fill, h, toast } from '../dom.js';
import type { GroupBuyView, ProductView } from '@lc/contracts/views';
import { GroupBuyProgress } from './group-buy-progress.js';

const REFRESH_MS = 5_000;

export class GroupBuyPanel {
  private readonly shown = new Map<string, GroupBuyProgress>();

  constructor(
    private readonly api: Api,
    private readonly products: () => ProductView[],
  ) {}

  async mount(): Promise<void> {
    byId('group-buy-form').addEventListener('submit', (e) => void this.open(e));
    byId('group-buy-sku').addEventListener('focus', () => this.fillSkus());
    const cutoff = byId<HTMLInputElement>('group-buy-cutoff');
    // Tomorrow evening in the leader's own zone (the browser's), sent as an instant.
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    tomorrow.setHours(20, 0, 0, 0);
    cutoff.value = localInputValue(tomorrow);
    setInterval(() => {
      for (const p of this.shown.values()) p.tick(Date.now());
    }, 1000);
    setInterval(() => void this.refresh(), REFRESH_MS);
    this.fillSkus();
    await this.refresh();
  }

  /** The leader's own SKUs, as the console's product list has them. */
  fillSkus(): void {
    const select = byId<HTMLSelectElement>('group-buy-sku');
    const chosen = select.value;
    fill(select, ...this.products().flatMap((p) => p.skus.map((s) => h('option', { value: s.id }, `${p.name} · ${s.name}`))));
    if (chosen) select.value = chosen;
  }

  private async open(e: Event): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const number = (name: string) => Number(form.get(name));
    try {
      const g = await this.api.post<GroupBuyView>('/group-buys', {
        title: String(form.get('title')),
        skuId: String(form.get('skuId')),
        warehouseId: String(form.get('warehouseId')),
        priceFen: toFen(String(form.get('price'))),
        stockCap: number('stockCap'),
        minQty: number('minQty'),
        perBuyerLimit: number('perBuyerLimit'),
        cutoffAt: new Date(String(form.get('cutoffAt'))).toISOString(),
      });
      toast(`已开团 Group buy opened: ${g.title}`);
      await this.refresh();
    } catch (err) {
      toast(describeError(err), 'error');
    }
  }

  async refresh(): Promise<void> {
    let list: GroupBuyView[];
    try {
      list = (await this.api.get<{ groupBuys: GroupBuyView[] }>('/group-buys')).groupBuys;
    } catch (err) {
      toast(describeError(err), 'error');
      return;
    }
    fill(
      byId('group-buy-list'),
      ...list.map((g) => {
        const progress = this.shown.get(g.id) ?? new GroupBuyProgress();
        this.shown.set(g.id, progress);
        progress.show(g);
        const link = `${location.origin}/group-buy.html?id=${g.id}`;
        return h(
          'li',
          { 'data-group-buy-id': g.id, style: 'display: grid; gap: 4px' },
          h('div', { class: 'row' }, h('strong', { class: 'grow' }, g.title), h('a', { class: 'button small', href: link, target: '_blank' }, '买家页 Buyers’ page')),
          progress.element,
        );
      }),
    );
  }
}

/** A Date as a datetime-local input's value, in the browser's zone. */
function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
