// A warehouse's stock per SKU as stacked bars: set aside for flash-sale pools, held by orders at
// list price, and free, out of what is on the shelf.
import { h } from '../dom.js';

export interface StockLevel {
  skuId: string;
  skuName: string;
  productName: string;
  onHand: number;
  inPools: number;
  heldAtListPrice: number;
  free: number;
}

const PARTS = [
  ['inPools', 'pool', '活动锁定 in pools'],
  ['heldAtListPrice', 'held', '待支付 held'],
  ['free', 'free', '可售 free'],
] as const;

export function stockLevels(levels: StockLevel[]): HTMLElement {
  if (!levels.length) return h('p', { class: 'muted' }, '此仓库暂无库存 No stock in this warehouse');
  return h(
    'ul',
    { class: 'stock-levels' },
    ...levels.map((l) =>
      h(
        'li',
        { 'data-sku-id': l.skuId, 'data-on-hand': String(l.onHand), 'data-free': String(l.free) },
        h('div', { class: 'row' }, h('span', { class: 'grow' }, `${l.productName} · ${l.skuName}`), h('strong', {}, `${l.onHand} 在库 on hand`)),
        h(
          'div',
          { class: 'stacked', title: PARTS.map(([key, , label]) => `${label} ${l[key]}`).join(' · ') },
          ...PARTS.map(([key, cls]) => h('div', { class: cls, style: `width: ${l.onHand > 0 ? (l[key] / l.onHand) * 100 : 0}%` })),
        ),
        h('div', { class: 'muted legend' }, ...PARTS.map(([key, cls, label]) => h('span', { class: `key ${cls}` }, `${label} ${l[key]}`))),
      ),
    ),
  );
}
