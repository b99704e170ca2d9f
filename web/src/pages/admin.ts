// Admin console: leader applications (注册审核). Pending ones wait oldest first, each approved into
// a leader with a pickup point served by the warehouse named above, or rejected with a reason;
// decided ones show who decided, when, and the outcome.
import { Api, describeError } from '../api.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { dateTime } from '../format.js';
import { APPLICATION_STATUS_BADGE, APPLICATION_STATUS_LABELS } from '../leader-application-labels.js';
import type { LeaderApplicationView } from '@lc/contracts/views';

const WAREHOUSE_KEY = 'lc.admin.warehouse';
const ADMIN_PATH = '/admin/leader-applications';

let api: Api;
const warehouse = () => byId<HTMLInputElement>('warehouse');

async function main(): Promise<void> {
  api = await Api.as(param('admin') ?? 'admin-1', 'admin');
  byId('who').textContent = api.user.name;
  warehouse().value = localStorage.getItem(WAREHOUSE_KEY) ?? '';
  warehouse().addEventListener('change', () => localStorage.setItem(WAREHOUSE_KEY, warehouse().value.trim()));
  byId('refresh').addEventListener('click', () => void refresh());
  await refresh();
  setInterval(() => void refresh(), 30_000);
}

const list = async (status: LeaderApplicationView['status'], limit: number) =>
  (await api.get<{ applications: LeaderApplicationView[] }>(`${ADMIN_PATH}?status=${status}&limit=${limit}`)).applications;

async function refresh(): Promise<void> {
  try {
    const [pending, approved, rejected] = await Promise.all([list('PENDING', 200), list('APPROVED', 20), list('REJECTED', 20)]);
    byId('pending-count').textContent = String(pending.length);
    fill(byId('pending'), ...pending.map(pendingCard));
    if (!pending.length) fill(byId('pending'), h('p', { class: 'muted' }, '暂无待审核申请 Nothing waiting for review'));
    const decided = [...approved, ...rejected].sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? ''));
    fill(byId('decided'), ...decided.map(decidedCard));
    if (!decided.length) fill(byId('decided'), h('p', { class: 'muted' }, '暂无 None yet'));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function applicant(a: LeaderApplicationView): HTMLElement[] {
  return [
    h('div', { class: 'row' }, h('h3', { class: 'grow' }, a.name), h('span', { class: `badge ${APPLICATION_STATUS_BADGE[a.status]}` }, APPLICATION_STATUS_LABELS[a.status])),
    h('p', {}, `电话 Phone ${a.phone} · 社区 Community: ${a.community}`),
    h('p', { class: 'muted' }, `自提点 Pickup point: ${a.address} (${a.lat.toFixed(5)}, ${a.lng.toFixed(5)}) · 时区 Zone ${a.zone}`),
    h('p', { class: 'muted' }, `提交于 Submitted ${dateTime(a.submittedAt)}${a.submittedBy.startsWith('admin') ? ` · 运营代录 entered by ${a.submittedBy}` : ''}`),
  ];
}

function pendingCard(a: LeaderApplicationView): HTMLElement {
  const opensAt = h('input', { name: 'opensAt', type: 'time', value: '08:00', required: true, style: 'width: 132px' });
  const closesAt = h('input', { name: 'closesAt', type: 'time', value: '20:00', required: true, style: 'width: 132px' });
  const approve = h('form', { class: 'row approve-form' }, h('span', { class: 'muted' }, '营业 Hours'), opensAt, '–', closesAt, h('button', { type: 'submit', class: 'primary' }, '通过 Approve'));
  approve.addEventListener('submit', (e) => {
    e.preventDefault();
    const warehouseId = warehouse().value.trim();
    if (!warehouseId) {
      toast('请先填写服务仓库 Name the serving warehouse first', 'error');
      warehouse().focus();
      return;
    }
    void decide(`${ADMIN_PATH}/${a.id}/approve`, { warehouseId, opensAt: opensAt.value, closesAt: closesAt.value }, `已通过 Approved: ${a.name}`);
  });
  const reason = h('input', { name: 'reason', class: 'grow', required: true, maxlength: 500, placeholder: '驳回原因（必填）Reason (required)' });
  const reject = h('form', { class: 'row reject-form' }, reason, h('button', { type: 'submit' }, '驳回 Reject'));
  reject.addEventListener('submit', (e) => {
    e.preventDefault();
    void decide(`${ADMIN_PATH}/${a.id}/reject`, { reason: reason.value }, `已驳回 Rejected: ${a.name}`);
  });
  return h('article', { class: 'card application', 'data-application-id': a.id, 'data-status': a.status }, ...applicant(a), approve, reject);
}

function decidedCard(a: LeaderApplicationView): HTMLElement {
  const outcome =
    a.status === 'APPROVED'
      ? h('p', { class: 'outcome' }, `团长 Leader ${a.leaderId} · 自提点 Pickup point ${a.pickupPointId} · 仓库 Warehouse ${a.warehouseId}`)
      : h('p', { class: 'outcome' }, `原因 Reason: ${a.reason ?? ''}`);
  return h(
    'article',
    { class: 'card application', 'data-application-id': a.id, 'data-status': a.status },
    ...applicant(a),
    outcome,
    h('p', { class: 'muted' }, `${a.decidedBy ?? ''} · ${a.decidedAt ? dateTime(a.decidedAt) : ''}`),
  );
}

async function decide(path: string, body: unknown, done: string): Promise<void> {
  try {
    await api.post(path, body);
    toast(done);
  } catch (e) {
    toast(describeError(e), 'error');
  }
  await refresh();
}

void main();
