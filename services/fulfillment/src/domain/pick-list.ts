// Pick lists per pickup point (SKU totals and the bags to fill) and their CSV and printable forms.

export interface PickBag {
  id: string;
  orderId: string;
  pickupPointId: string;
  label: string;
  skuId: string;
  qty: number;
  status: string;
}

export interface PickPoint {
  id: string;
  name: string;
  leaderId: string;
  address: string;
}

export interface PickList<B extends PickBag = PickBag> {
  pickupPointId: string;
  pickupPointName: string;
  leaderId: string;
  address: string;
  skuTotals: { skuId: string; qty: number; bagCount: number }[];
  bags: B[];
}

/** Cancelled bags stay listed (so staff see what to put back) but count in no total. */
export function buildPickLists<B extends PickBag>(points: PickPoint[], bags: B[]): PickList<B>[] {
  return points
    .map((p) => {
      const mine = bags.filter((b) => b.pickupPointId === p.id).sort((a, b) => a.label.localeCompare(b.label));
      const totals = new Map<string, { skuId: string; qty: number; bagCount: number }>();
      for (const b of mine) {
        if (b.status === 'CANCELLED') continue;
        const t = totals.get(b.skuId) ?? { skuId: b.skuId, qty: 0, bagCount: 0 };
        t.qty += b.qty;
        t.bagCount += 1;
        totals.set(b.skuId, t);
      }
      return {
        pickupPointId: p.id,
        pickupPointName: p.name,
        leaderId: p.leaderId,
        address: p.address,
        skuTotals: [...totals.values()].sort((a, b) => a.skuId.localeCompare(b.skuId)),
        bags: mine,
      };
    })
    .filter((l) => l.bags.length > 0)
    .sort((a, b) => a.pickupPointId.localeCompare(b.pickupPointId));
}

/** A bag label staff can write on the bag: date, pickup point, running number. */
export function bagLabel(deliveryDate: string, pickupPointId: string, n: number): string {
  return `${deliveryDate.replace(/-/g, '').slice(4)}-${pickupPointId}-${String(n).padStart(3, '0')}`;
}

function csvCell(v: string | number): string {
  const s = String(v);
  // Quote anything a spreadsheet could misread, and defuse formula injection.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** SKU id -> what a picker reads (product · SKU name); a SKU without one shows as its id. */
export type SkuNames = Record<string, string>;

const nameOf = (names: SkuNames, skuId: string) => names[skuId] || skuId;

export function pickListsCsv(lists: PickList[], names: SkuNames = {}): string {
  const rows: (string | number)[][] = [['pickup_point_id', 'pickup_point_name', 'bag_label', 'bag_id', 'order_id', 'product', 'sku_id', 'qty', 'status']];
  for (const l of lists) for (const b of l.bags) rows.push([l.pickupPointId, l.pickupPointName, b.label, b.id, b.orderId, nameOf(names, b.skuId), b.skuId, b.qty, b.status]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const esc = (s: string | number) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function pickListsHtml(wave: { id: string; warehouseId: string; deliveryDate: string }, lists: PickList[], names: SkuNames = {}): string {
  const sku = (skuId: string) => `${esc(nameOf(names, skuId))}${names[skuId] ? ` <small>${esc(skuId.slice(0, 8))}</small>` : ''}`;
  const sections = lists
    .map(
      (l) => `<section class="point">
<h2>${esc(l.pickupPointName)} <small>${esc(l.pickupPointId)} · 团长 Leader ${esc(l.leaderId)}</small></h2>
<p class="address">${esc(l.address)}</p>
<h3>商品汇总 SKU totals</h3>
<table><thead><tr><th>商品 Product</th><th>数量 Qty</th><th>袋数 Bags</th></tr></thead><tbody>
${l.skuTotals.map((t) => `<tr><td>${sku(t.skuId)}</td><td>${t.qty}</td><td>${t.bagCount}</td></tr>`).join('\n')}
</tbody></table>
<h3>分袋明细 Bags</h3>
<table><thead><tr><th>✓</th><th>标签 Label</th><th>订单 Order</th><th>商品 Product</th><th>数量 Qty</th><th>状态 Status</th></tr></thead><tbody>
${l.bags.map((b) => `<tr class="${b.status === 'CANCELLED' ? 'cancelled' : ''}"><td>☐</td><td>${esc(b.label)}</td><td>${esc(b.orderId)}</td><td>${sku(b.skuId)}</td><td>${b.qty}</td><td>${esc(b.status)}</td></tr>`).join('\n')}
</tbody></table>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>分拣清单 Pick lists · ${esc(wave.warehouseId)} · ${esc(wave.deliveryDate)}</title>
<style>
body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { border: 1px solid #999; padding: .25rem .5rem; text-align: left; }
tr.cancelled td { text-decoration: line-through; color: #777; }
small { font-weight: normal; color: #555; }
@media print {
  body { margin: 0; font-size: 11pt; }
  .point { page-break-after: always; }
  .noprint { display: none; }
}
</style></head>
<body>
<h1>分拣清单 Pick lists</h1>
<p>仓库 Warehouse ${esc(wave.warehouseId)} · 配送日 Delivery day ${esc(wave.deliveryDate)} · 波次 Wave ${esc(wave.id)}</p>
<button class="noprint" onclick="window.print()">打印 Print</button>
${sections || '<p>本波次没有包裹 No bags in this wave.</p>'}
</body></html>
`;
}
