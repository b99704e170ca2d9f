// Warehouse console: see the warehouse's stock, stock products for the leaders it serves (directly
// or by accepting their proposals), close a delivery day's wave, work its pick lists
// (pack bags, CSV, print), plan routes with visible progress, see them on a map, dispatch them and
// follow the stops live.
import { Api, describeError } from '../api.js';
import { Progress } from '../components/progress.js';
import { routeMap, statusLegend } from '../components/route-map.js';
import { stockLevels, type StockLevel } from '../components/stock-levels.js';
import type { ProductProposalView as ProductProposal } from '@lc/contracts/views';
import { toFen } from '../catalog-labels.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { clockTime, yuan } from '../format.js';
import type { PickList, RoutePlan, Warehouse, Wave } from '@lc/contracts/views';
import { BAG_STATUS } from '../fulfillment-labels.js';
import { mountInbox } from '../components/inbox-bell.js';
import { mountStockLedger } from '../components/stock-ledger.js';

let api: Api;
let wave: Wave | undefined;
let followTimer: ReturnType<typeof setInterval> | undefined;
const progress = new Progress('plan-progress');
/** How often dispatched routes are re-read so stop statuses on the map stay current. */
const FOLLOW_MS = 3000;

async function main(): Promise<void> {
  api = await Api.as(param('user') ?? 'warehouse-1', 'warehouse');
  byId('who').textContent = api.user.name;
  void mountInbox(api);
  // Staff work for the one warehouse their token names.
  if (api.user.warehouseId) {
    byId<HTMLInputElement>('warehouse-id').value = api.user.warehouseId;
    byId<HTMLInputElement>('warehouse-id').readOnly = true;
  }
  byId('new-product').addEventListener('submit', (e) => void createProduct(e));
  byId('refresh-proposals').addEventListener('click', () => void refreshProposals());
  const tomorrow = new Date(Date.now() + 86_400_000);
  byId<HTMLInputElement>('delivery-date').value = tomorrow.toISOString().slice(0, 10);
  byId('plan-progress-slot').append(progress.element);
  byId('wave-form').addEventListener('submit', (e) => void closeWave(e));
  byId('refresh-waves').addEventListener('click', () => void refreshWaves());
  byId('refresh-stock').addEventListener('click', () => void refreshStock());
  byId('warehouse-id').addEventListener('change', () => void Promise.all([refreshWaves(), refreshStock(), refreshProposals()]));
  byId('plan').addEventListener('click', () => void planRoutes());
  byId('finish-plan').addEventListener('click', () => void finishPlan());
  byId('csv').addEventListener('click', () => void download('pick-lists.csv', 'text/csv'));
  byId('print').addEventListener('click', () => void download('pick-lists/print', 'text/html'));
  // Receiving, adjustments and the ledger (issue 16 point 6).
  const ledger = mountStockLedger(api, warehouseId, refreshStock);
  byId('warehouse-id').addEventListener('change', () => void ledger.refresh());
  const [waves] = await Promise.all([refreshWaves(), refreshStock(), refreshProposals(), ledger.refresh()]);
  // A reload comes back to the wave that was open, with its plan as it stands (or still computing).
  const reopen = waves.find((w) => w.id === param('wave'));
  if (reopen) await openWave(reopen);
}

async function createProduct(e: Event): Promise<void> {
  e.preventDefault();
  const form = new FormData(e.target as HTMLFormElement);
  try {
    await api.post('/products', {
      name: String(form.get('name')),
      ownerLeaderId: String(form.get('ownerLeaderId')),
      warehouseId: warehouseId(),
      skus: [{ name: String(form.get('sku')), listPriceFen: toFen(String(form.get('price'))), initialStock: Number(form.get('stock')) }],
    });
    toast('商品已上架 Product stocked');
    await refreshStock();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function refreshProposals(): Promise<void> {
  try {
    const { proposals } = await api.get<{ proposals: ProductProposal[] }>(`/product-proposals?status=PENDING&warehouseId=${encodeURIComponent(warehouseId())}`);
    fill(
      byId('proposal-list'),
      ...proposals.map((p) => {
        const reason = h('input', { placeholder: '拒绝理由 reason', maxlength: 500, class: 'reason' });
        return h(
          'li',
          { class: 'row', 'data-proposal-id': p.id },
          h('span', { class: 'grow' }, `${p.leaderId} · ${p.name} · `, h('span', { class: 'muted' }, p.skus.map((s) => `${s.name} ${yuan(s.listPriceFen)} ×${s.initialStock}`).join(' / '))),
          h('button', { class: 'small accept', onclick: () => void decide(p, 'accept') }, '接受 Accept'),
          reason,
          h('button', { class: 'small reject', onclick: () => void decide(p, 'reject', reason.value) }, '拒绝 Reject'),
        );
      }),
    );
    if (!proposals.length) fill(byId('proposal-list'), h('li', { class: 'muted' }, '暂无待审核 Nothing to review'));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function decide(p: ProductProposal, how: 'accept' | 'reject', reason = ''): Promise<void> {
  try {
    await api.post(`/product-proposals/${p.id}/${how}`, how === 'reject' ? { reason } : undefined);
    toast(how === 'accept' ? '已接受并上架 Accepted and stocked' : '已拒绝 Rejected');
    await Promise.all([refreshProposals(), refreshStock()]);
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

const warehouseId = () => byId<HTMLInputElement>('warehouse-id').value.trim();

async function refreshWaves(): Promise<Wave[]> {
  try {
    const { waves } = await api.get<{ waves: Wave[] }>(`/waves?warehouseId=${encodeURIComponent(warehouseId())}`);
    fill(
      byId('wave-list'),
      ...waves.map((w) =>
        h(
          'li',
          { class: 'row', 'data-wave-id': w.id },
          h('span', { class: 'badge' }, w.status),
          h('span', { class: 'grow' }, `${w.deliveryDate} · ${w.orderCount} 单 orders`),
          h('button', { class: 'small', onclick: () => void openWave(w) }, '打开 Open'),
        ),
      ),
    );
    if (!waves.length) fill(byId('wave-list'), h('li', { class: 'muted' }, '暂无波次 No waves yet'));
    return waves;
  } catch (e) {
    toast(describeError(e), 'error');
    return [];
  }
}

async function refreshStock(): Promise<void> {
  try {
    const { levels } = await api.get<{ levels: StockLevel[] }>(`/stock?warehouseId=${encodeURIComponent(warehouseId())}`);
    fill(byId('stock-levels'), stockLevels(levels));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function closeWave(e: Event): Promise<void> {
  e.preventDefault();
  try {
    const w = await api.post<Wave>('/waves', { warehouseId: warehouseId(), deliveryDate: byId<HTMLInputElement>('delivery-date').value });
    await refreshWaves();
    await openWave(w);
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function openWave(w: Wave): Promise<void> {
  wave = w;
  // The open wave lives in the address, so a reload (or a shared link) opens it again.
  const url = new URL(location.href);
  url.searchParams.set('wave', w.id);
  history.replaceState(null, '', url);
  byId('wave-detail').classList.remove('hidden');
  byId('routes-card').classList.remove('hidden');
  byId('wave-title').textContent = `分拣清单 Pick lists · ${w.deliveryDate} · ${w.orderCount} 单 orders`;
  await Promise.all([refreshPickLists(), loadPlan(w)]);
}

/** Shows the wave's current plan: its routes and their dispatch state, or its progress while it is computed. */
async function loadPlan(w: Wave): Promise<void> {
  clearInterval(followTimer);
  followTimer = undefined;
  watching++;
  stopWatching();
  fill(byId('route-map-slot'));
  fill(byId('route-list'));
  try {
    const { plan } = await api.get<{ wave: Wave; plan: RoutePlan | null }>(`/waves/${w.id}/route-plan`);
    if (!plan || wave?.id !== w.id) return;
    if (plan.status === 'PLANNING') await watchPlan(plan);
    else await showPlan(plan);
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function refreshPickLists(): Promise<void> {
  if (!wave) return;
  try {
    const w = wave;
    const [{ pickLists }, stock] = await Promise.all([
      api.get<{ pickLists: PickList[] }>(`/waves/${w.id}/pick-lists`),
      api.get<{ levels: StockLevel[] }>(`/stock?warehouseId=${encodeURIComponent(w.warehouseId)}`),
    ]);
    // Pick lists carry SKU ids only; a picker needs the product and SKU names to find the goods.
    // Every SKU of the wave is stocked at its warehouse (the newest products alone would miss older ones).
    const names = new Map(stock.levels.map((l) => [l.skuId, `${l.productName} · ${l.skuName}`] as const));
    const skuName = (skuId: string) => names.get(skuId) ?? `SKU ${skuId.slice(0, 8)}`;
    fill(byId('pick-lists'), ...pickLists.map((l) => pickListView(l, skuName)));
    if (!pickLists.length) fill(byId('pick-lists'), h('div', { class: 'muted' }, '此波次没有订单 No orders in this wave'));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function pickListView(list: PickList, skuName: (skuId: string) => string): HTMLElement {
  return h(
    'div',
    { class: 'pick-list', 'data-pickup-point-id': list.pickupPointId },
    h('h3', {}, `${list.pickupPointName} `, h('span', { class: 'en' }, `${list.address} · ${list.leaderId}`)),
    h('div', { class: 'muted sku-totals' }, list.skuTotals.map((t) => `${skuName(t.skuId)} × ${t.qty} (${t.bagCount} 袋 bags)`).join(' · ')),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, '标签 Label'), h('th', {}, '买家 Buyer'), h('th', {}, '商品 SKU'), h('th', {}, '件数 Qty'), h('th', {}, '状态 Status'), h('th', {}))),
      h(
        'tbody',
        {},
        ...list.bags.map((b) =>
          h(
            'tr',
            { 'data-bag-id': b.id, 'data-status': b.status },
            h('td', {}, b.label),
            h('td', {}, b.buyerId),
            h('td', { class: 'sku' }, skuName(b.skuId)),
            h('td', {}, String(b.qty)),
            h('td', {}, BAG_STATUS[b.status] ?? b.status),
            h('td', {}, b.status === 'PENDING' ? h('button', { class: 'small go pack', onclick: () => void pack(b.id) }, '打包完成 Packed') : ''),
          ),
        ),
      ),
    ),
  );
}

async function pack(bagId: string): Promise<void> {
  try {
    await api.post(`/bags/${bagId}/packed`);
    await refreshPickLists();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

/** CSV and the print page need the bearer token, so fetch them and open the result locally. */
async function download(path: string, type: string): Promise<void> {
  if (!wave) return;
  const r = await fetch(`/api/v1/waves/${wave.id}/${path}`, { headers: { authorization: `Bearer ${api.session.token}` } });
  if (!r.ok) return toast(`下载失败 Download failed (${r.status})`, 'error');
  const url = URL.createObjectURL(new Blob([await r.text()], { type }));
  if (type === 'text/csv') {
    const a = h('a', { href: url, download: `pick-lists-${wave.deliveryDate}.csv` });
    a.click();
  } else {
    window.open(url, '_blank');
  }
}

/** The plan being computed, which "finish now" ends with the best routes found so far. */
let planning: string | undefined;
/** Counts the plans the page has watched; only the latest one drives the progress bar. */
let watching = 0;

async function finishPlan(): Promise<void> {
  if (!planning) return;
  const button = byId<HTMLButtonElement>('finish-plan');
  button.disabled = true;
  try {
    await api.post<RoutePlan>(`/route-plans/${planning}/finish`);
    toast('正在收尾 Finishing with the best plan so far…');
  } catch (e) {
    toast(describeError(e), 'error');
    button.disabled = false;
  }
}

async function planRoutes(): Promise<void> {
  if (!wave) return;
  const timeLimitMs = Math.round(Number(byId<HTMLInputElement>('time-limit').value) * 1000);
  // Busy from the click on, before the service answers that the plan has started.
  byId<HTMLButtonElement>('plan').disabled = true;
  progress.start('正在规划路线… Planning routes…');
  let plan: RoutePlan;
  try {
    plan = await api.post<RoutePlan>(`/waves/${wave.id}/routes`, { timeLimitMs });
  } catch (e) {
    toast(describeError(e), 'error');
    return stopWatching();
  }
  await watchPlan(plan).catch((e: unknown) => toast(describeError(e), 'error'));
}

/** Follows a plan until it is no longer PLANNING (just planned, or found so after a reload), then shows it. */
async function watchPlan(first: RoutePlan): Promise<void> {
  const button = byId<HTMLButtonElement>('plan');
  const finish = byId<HTMLButtonElement>('finish-plan');
  // Opening another wave starts watching its plan: this loop then stops and leaves the page to it.
  const mine = ++watching;
  button.disabled = true;
  progress.start('正在规划路线… Planning routes…');
  // A plan found running after a reload started before this page did.
  const started = performance.now() - (first.progress?.elapsedMs ?? 0);
  let plan = first;
  try {
    planning = plan.id;
    finish.disabled = plan.finishRequested;
    finish.classList.toggle('hidden', plan.status !== 'PLANNING');
    while (plan.status === 'PLANNING' && watching === mine) {
      const p = plan.progress;
      // The solver reports only when its best plan improves, so the page's own clock moves the bar in between.
      const elapsedMs = Math.max(p?.elapsedMs ?? 0, performance.now() - started);
      progress.update(
        `正在规划 Planning… ${(elapsedMs / 1000).toFixed(1)} / ${(plan.timeLimitMs / 1000).toFixed(0)} s` +
          (p?.vehicles ? ` · 最佳 best ${p.vehicles} 辆车 vehicles · ${(p.distance / 1000).toFixed(1)} km` : '') +
          (p?.phase ? ` · ${p.phase}` : ''),
        elapsedMs / plan.timeLimitMs,
      );
      await new Promise((r) => setTimeout(r, 500));
      if (watching === mine) plan = await api.get<RoutePlan>(`/route-plans/${plan.id}`);
    }
    if (watching !== mine || wave?.id !== plan.waveId) return;
    if (plan.error) toast(`规划失败 Planning failed: ${plan.error}`, 'error');
    await showPlan(plan);
  } finally {
    if (watching === mine) stopWatching();
  }
}

function stopWatching(): void {
  progress.done();
  planning = undefined;
  byId('finish-plan').classList.add('hidden');
  byId<HTMLButtonElement>('plan').disabled = false;
}

let depot: Warehouse | undefined;

async function showPlan(plan: RoutePlan): Promise<void> {
  if (depot?.id !== warehouseId()) {
    try {
      depot = await api.get<Warehouse>(`/warehouses/${encodeURIComponent(warehouseId())}`);
    } catch {
      depot = undefined; // draw the stops without the depot
    }
  }
  fill(byId('route-map-slot'), routeMap(plan.routes, depot ? { lat: depot.lat, lng: depot.lng, name: depot.name } : undefined), statusLegend());
  fill(
    byId('route-list'),
    ...plan.routes.map((r) =>
      h(
        'div',
        { class: 'row route-row', 'data-route-id': r.id, 'data-status': r.status, style: 'border-bottom: 1px solid #eee; padding: 6px 0' },
        h('span', { class: 'badge' }, r.status),
        h(
          'span',
          { class: 'grow' },
          `${r.vehicleId} · ${r.driverId || '未分配司机 no driver'} · ${r.stops.length} 站 stops · ${(r.distanceM / 1000).toFixed(1)} km · 载 load ${r.load} · ${clockTime(r.startAtMs)}–${clockTime(r.endAtMs)}`,
        ),
        r.status === 'PLANNED' ? h('button', { class: 'small primary dispatch', onclick: () => void dispatch(r.id, plan) }, '发车 Dispatch') : null,
      ),
    ),
    // A plan that failed or was abandoned says why, after a reload as much as when it ended.
    plan.error ? h('div', { class: 'plan-error', style: 'color: #b8262a' }, `${plan.status}: ${plan.error}`) : null,
    ...plan.unserved.map((u) => h('div', { class: 'unserved', style: 'color: #b8262a' }, `未能安排 Unserved: ${u.pickupPointId} — ${u.reason}${u.detail ? ` (${u.detail})` : ''}`)),
  );
  follow(plan);
}

/** While a route of this plan is on the road, re-reads the plan so the map shows each stop's status. */
function follow(plan: RoutePlan): void {
  clearInterval(followTimer);
  followTimer = undefined;
  if (!plan.routes.some((r) => r.status === 'DISPATCHED')) return;
  followTimer = setInterval(() => {
    api
      .get<RoutePlan>(`/route-plans/${plan.id}`)
      .then((fresh) => showPlan(fresh))
      .catch(() => undefined); // the next tick tries again
  }, FOLLOW_MS);
}

async function dispatch(routeId: string, plan: RoutePlan): Promise<void> {
  try {
    const route = await api.post<RoutePlan['routes'][number]>(`/routes/${routeId}/dispatch`);
    await showPlan({ ...plan, routes: plan.routes.map((r) => (r.id === routeId ? route : r)) });
    toast('已发车 Dispatched');
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

main().catch((e: unknown) => toast(describeError(e), 'error'));
