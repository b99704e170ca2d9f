// Leader dashboard (issue 15 point 7), mobile-first and bilingual: today / this week / this month
// in the leader's zone, commission by state, the tier and what the next one needs, the daily sales
// line and the top sellers as inline SVG, and the slow sellers.
import type { DashboardPeriod, DashboardPeriodName, LeaderDashboardView, ProductView, TierRequirement } from '@lc/contracts/views';
import { Api, describeError } from '../api.js';
import { barChart, lineChart } from '../components/svg-charts.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { yuan } from '../format.js';

const TIERS: Record<string, string> = { NEW: '新锐团长 Rising', GROWING: '成长团长 Growing', STAR: '星级团长 Star' };
const REQUIREMENTS: Record<string, string> = {
  sales_fen: '本月销售额 Monthly sales',
  repurchase_rate: '复购率 Repurchase rate',
  nps: '推荐值 NPS',
  ratings: '评价数 Ratings',
};

let dashboard: LeaderDashboardView;
let skuNames = new Map<string, string>();
let period: DashboardPeriodName = 'month';

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const api = await Api.as(param('leader') ?? 'leader-1', 'leader');
  byId('who').textContent = api.user.name;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('#period-tabs button')) {
    tab.addEventListener('click', () => {
      period = tab.dataset.period as DashboardPeriodName;
      renderPeriod();
    });
  }
  try {
    const [d, catalog] = await Promise.all([
      api.get<LeaderDashboardView>(`/leaders/${encodeURIComponent(api.user.id)}/dashboard`),
      api.get<{ products: ProductView[] }>('/products'),
    ]);
    dashboard = d;
    skuNames = new Map(catalog.products.flatMap((p) => p.skus.map((s) => [s.id, `${p.name} · ${s.name}`] as const)));
    renderPeriod();
    renderTier();
    renderCharts();
    document.body.dataset.loaded = 'true';
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

const kpi = (id: string, label: string, value: string) => h('div', { class: 'kpi', 'data-kpi': id }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label muted' }, label));

function renderPeriod(): void {
  const p: DashboardPeriod = dashboard.periods.find((x) => x.name === period)!;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('#period-tabs button')) tab.setAttribute('aria-selected', String(tab.dataset.period === period));
  byId('period-range').textContent = `${p.firstDate === p.lastDate ? p.lastDate : `${p.firstDate} – ${p.lastDate}`} · ${dashboard.zone}`;
  fill(
    byId('kpis'),
    kpi('gmv', '销售额 GMV', yuan(p.gmvFen)),
    kpi('orders', '订单 Orders', String(p.orders)),
    kpi('aov', '客单价 Avg. order', yuan(p.averageOrderFen)),
    kpi('new-customers', '新客 New customers', String(p.newCustomers)),
    kpi('repurchase', '复购率 Repurchase', percent(p.repurchaseRate)),
    kpi('refunded', '退款 Refunded', yuan(p.refundedFen)),
  );
  fill(
    byId('commission'),
    kpi('accrued', '待确认(新增) Pending', yuan(p.commissionAccruedFen)),
    kpi('confirmed', '已确认 Confirmed', yuan(p.commissionConfirmedFen)),
    kpi('settled', '已结算 Settled', yuan(p.commissionSettledFen)),
    kpi('clawed', '扣回 Clawed back', yuan(p.commissionClawedBackFen)),
    kpi('available', '可提现余额 Available now', yuan(dashboard.balances!.availableFen)),
    kpi('pending-balance', '待确认余额 Pending now', yuan(dashboard.balances!.pendingFen)),
  );
}

function requirementRow(r: TierRequirement): HTMLElement {
  const show = (v: number) => (r.name === 'sales_fen' ? yuan(v) : r.name === 'repurchase_rate' ? percent(v) : String(Math.round(v * 10) / 10));
  const share = r.known && r.target > 0 ? Math.min(1, r.current / r.target) : 0;
  return h(
    'li',
    { class: r.met ? 'met' : '', 'data-requirement': r.name },
    h('div', { class: 'row' }, h('span', { class: 'grow' }, REQUIREMENTS[r.name] ?? r.name), h('strong', {}, `${r.known ? show(r.current) : '—'} ${r.strictlyAbove ? '>' : '≥'} ${show(r.target)} ${r.met ? '✓' : ''}`)),
    h('div', { class: 'stockbar' }, h('div', { style: `width: ${(share * 100).toFixed(1)}%` })),
  );
}

function renderTier(): void {
  const t = dashboard.tier!;
  fill(
    byId('tier'),
    h('p', {}, h('span', { class: 'badge tier-badge', 'data-tier': t.tier }, TIERS[t.tier] ?? t.tier), ' ', t.nextTier ? `→ ${TIERS[t.nextTier] ?? t.nextTier} (${t.month})` : `保级条件 To stay (${t.month})`),
    h('ul', { class: 'requirements' }, ...t.requirements.map(requirementRow)),
  );
}

function renderCharts(): void {
  fill(byId('daily-chart'), lineChart(dashboard.daily.map((d) => ({ label: d.date, value: d.gmvFen })), yuan, '近30天每日销售额 Daily sales'));
  const top = dashboard.topSkus.map((s) => ({ key: s.skuId, label: skuNames.get(s.skuId) ?? s.skuId, value: s.units }));
  fill(byId('top-chart'), top.length ? barChart(top, (v) => `${v} 件`, '本月热销 Top sellers this month') : h('p', { class: 'muted' }, '本月暂无销售 No sales this month'));
  fill(
    byId('slow-list'),
    ...(dashboard.slowSkus.length
      ? dashboard.slowSkus.map((s) => h('li', { class: 'row', 'data-sku-id': s.skuId }, h('span', { class: 'grow' }, skuNames.get(s.skuId) ?? s.skuId), h('span', { class: 'muted' }, `本月 ${s.units} 件 units`)))
      : [h('li', { class: 'muted' }, '暂无 None')]),
  );
}

void main();
