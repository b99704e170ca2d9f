// The warehouse console's stock ledger section (issue 16 point 6): receive goods (qty, batch,
// expiry), adjust (damage, count), set a SKU's low-stock level, see each SKU's on-hand bar with
// its level marked and low stock highlighted, and read the ledger newest first.
import type { ProductView, StockBoardView, StockLevelAlertView, StockMovementAnswer, StockMovementKind, StockMovementPage, StockMovementView } from '@lc/contracts/views';
import { ApiError, describeError, type Api } from '../api.js';
import { byId, fill, h, toast } from '../dom.js';
import { dateTime } from '../format.js';
import { newIdempotencyKey } from '../idempotency.js';

const KIND_LABELS: Record<StockMovementKind, string> = {
  OPENING: '期初 Opening',
  INITIAL: '上架 Initial',
  RECEIPT: '收货 Receipt',
  DAMAGE: '报损 Damage',
  COUNT: '盘点 Count',
  SALE: '售出 Sale',
};
const LEDGER_PAGE = 30;

export function mountStockLedger(api: Api, warehouseId: () => string, afterMove: () => Promise<void>): { refresh: () => Promise<void> } {
  // One key per submitted form, kept while the answer is unknown (a dropped connection), so a
  // second tap retries the same movement instead of recording it twice.
  const pendingKeys = new Map<string, string>();
  const submit = async (formId: string, path: string, body: Record<string, unknown>, done: string) => {
    const key = pendingKeys.get(formId) ?? newIdempotencyKey();
    pendingKeys.set(formId, key);
    try {
      const r = await api.post<StockMovementAnswer>(path, { ...body, warehouseId: warehouseId() }, { 'idempotency-key': key });
      pendingKeys.delete(formId);
      toast(`${done}: ${r.level.productName} · ${r.level.skuName} → ${r.level.onHand}`);
      byId<HTMLFormElement>(formId).reset();
      await Promise.all([refresh(), afterMove()]);
    } catch (e) {
      if (e instanceof ApiError) pendingKeys.delete(formId);
      toast(describeError(e), 'error');
    }
  };

  byId('receive-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const expiresOn = String(f.get('expiresOn') ?? '');
    void submit('receive-form', '/stock/receipts', {
      skuId: String(f.get('skuId')),
      qty: Number(f.get('qty')),
      batch: String(f.get('batch') ?? ''),
      ...(expiresOn ? { expiresOn } : {}),
      note: String(f.get('note') ?? ''),
    }, '已收货 Received');
  });
  byId('adjust-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const reason = String(f.get('reason'));
    const units = Number(f.get('units'));
    void submit('adjust-form', '/stock/adjustments', {
      reason,
      skuId: String(f.get('skuId')),
      ...(reason === 'COUNT' ? { counted: units } : { qty: units }),
      note: String(f.get('note') ?? ''),
    }, '已调整 Adjusted');
  });
  byId('adjust-reason').addEventListener('change', () => {
    byId('adjust-units-label').firstChild!.textContent = byId<HTMLSelectElement>('adjust-reason').value === 'COUNT' ? '实盘数 Counted ' : '报损数 Damaged units ';
  });
  byId('alert-level-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const level = String(f.get('level') ?? '').trim();
    void api
      .put<StockLevelAlertView>('/stock/alert-levels', { warehouseId: warehouseId(), skuId: String(f.get('skuId')), level: level === '' ? null : Number(level) })
      .then(async (l) => {
        toast(`预警线 Alert level: ${l.skuName} ≤ ${l.alertLevel}${l.alertLevelIsDefault ? ' (默认 default)' : ''}`);
        await refresh();
      })
      .catch((err: unknown) => toast(describeError(err), 'error'));
  });
  byId('refresh-ledger').addEventListener('click', () => void refresh());
  byId('ledger-more').addEventListener('click', () => void loadLedger(true));

  let nextBefore: number | null = null;

  async function loadLedger(more = false): Promise<void> {
    const before = more && nextBefore ? `&before=${nextBefore}` : '';
    const page = await api.get<StockMovementPage>(`/stock/movements?warehouseId=${encodeURIComponent(warehouseId())}&limit=${LEDGER_PAGE}${before}`);
    nextBefore = page.nextBefore;
    const rows = page.movements.map(ledgerRow);
    if (more) byId('ledger-rows').append(...rows);
    else fill(byId('ledger-rows'), ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 8, class: 'muted' }, '暂无流水 No movements yet'))]));
    byId('ledger-more').classList.toggle('hidden', !nextBefore);
  }

  async function refresh(): Promise<void> {
    try {
      const q = `?warehouseId=${encodeURIComponent(warehouseId())}`;
      const [board, catalog] = await Promise.all([api.get<StockBoardView>(`/stock/board${q}`), api.get<{ products: ProductView[] }>('/products')]);
      fill(byId('stock-board'), stockBoard(board));
      const low = board.levels.filter((l) => l.low).length;
      byId('low-stock-count').textContent = low ? `${low} 项库存不足 low` : '';
      byId('low-stock-count').classList.toggle('hidden', !low);
      // Every SKU of the catalog can be received, not only those already on this warehouse's shelves.
      const options = catalog.products.flatMap((p) => p.skus.map((s) => [s.id, `${p.name} · ${s.name}`] as const));
      for (const select of document.querySelectorAll<HTMLSelectElement>('select.sku-choice')) {
        const chosen = select.value;
        fill(select, ...options.map(([id, label]) => h('option', { value: id, selected: id === chosen }, label)));
      }
      await loadLedger();
    } catch (e) {
      toast(describeError(e), 'error');
    }
  }

  return { refresh };
}

/** Bars on one scale: the fullest shelf (or highest level) fills the width; the level is a mark. */
function stockBoard(board: StockBoardView): HTMLElement {
  if (!board.levels.length) return h('p', { class: 'muted' }, '此仓库暂无库存 No stock in this warehouse');
  const scale = Math.max(1, ...board.levels.map((l) => Math.max(l.onHand, l.alertLevel * 2)));
  return h(
    'ul',
    { class: 'stock-board' },
    ...board.levels.map((l) =>
      h(
        'li',
        { class: l.low ? 'low' : '', 'data-sku-id': l.skuId, 'data-on-hand': String(l.onHand), 'data-low': String(l.low) },
        h(
          'div',
          { class: 'row' },
          h('span', { class: 'grow' }, `${l.productName} · ${l.skuName}`),
          l.low ? h('span', { class: 'badge low-badge' }, '库存不足 Low stock') : null,
          h('strong', {}, `${l.onHand} 在库 on hand`),
        ),
        h(
          'div',
          { class: 'level-bar', title: `预警线 alert at ≤ ${l.alertLevel}` },
          h('div', { class: 'fill', style: `width: ${(l.onHand / scale) * 100}%` }),
          h('div', { class: 'mark', style: `left: ${(Math.min(l.alertLevel, scale) / scale) * 100}%` }),
        ),
        h(
          'div',
          { class: 'muted legend' },
          h('span', {}, `可售 free ${l.free}`),
          h('span', {}, `已锁定 promised ${l.allocated}`),
          h('span', {}, `预警线 alert ≤ ${l.alertLevel}${l.alertLevelIsDefault ? ' (默认 default)' : ''}`),
        ),
      ),
    ),
  );
}

function ledgerRow(m: StockMovementView): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-kind': m.kind, class: m.qty < 0 ? 'out' : '' },
    h('td', {}, dateTime(m.createdAt)),
    h('td', {}, `${m.productName} · ${m.skuName}`),
    h('td', {}, KIND_LABELS[m.kind]),
    h('td', { class: 'num delta' }, m.qty > 0 ? `+${m.qty}` : String(m.qty)),
    h('td', { class: 'num' }, String(m.onHandAfter)),
    h('td', {}, [m.batch, m.expiresOn ? `到期 exp ${m.expiresOn}` : ''].filter(Boolean).join(' · ')),
    h('td', {}, [m.counted !== null ? `实盘 counted ${m.counted}` : '', m.note ?? ''].filter(Boolean).join(' · ')),
    h('td', { class: 'muted' }, m.actorId),
  );
}
