// The buyers' page of one group buy (开团): its progress towards the minimum, the cut-off
// countdown, joining (one order per tap, idempotent) and paying. URL: /group-buy.html?id=<id>
import { Api, buyerIdForThisBrowser, describeError } from '../api.js';
import { GroupBuyProgress } from '../components/group-buy-progress.js';
import { mountInbox } from '../components/inbox-bell.js';
import { byId, param, toast } from '../dom.js';
import { statusLabel, yuan } from '../format.js';
import { newIdempotencyKey } from '../idempotency.js';
import type { GroupBuyView, OrderView } from '@lc/contracts/views';

const REFRESH_MS = 5_000;
const progress = new GroupBuyProgress('group-buy-progress');
let api: Api;
let groupBuyId = '';
let order: OrderView | undefined;

async function main(): Promise<void> {
  groupBuyId = param('id') ?? '';
  api = await Api.as(buyerIdForThisBrowser(), 'buyer');
  byId('who').textContent = api.user.name;
  void mountInbox(api);
  byId('progress-slot').append(progress.element);
  byId('join-form').addEventListener('submit', (e) => void join(e));
  byId('pay').addEventListener('click', () => void pay());
  setInterval(() => progress.tick(Date.now()), 1000);
  setInterval(() => void refresh(), REFRESH_MS);
  // Back on the page: the buyer's latest order in this group buy, if any.
  const mine = (await api.get<{ orders: OrderView[] }>('/orders')).orders.find((o) => o.groupBuyId === groupBuyId);
  if (mine) showOrder(mine);
  await refresh();
}

async function refresh(): Promise<void> {
  try {
    const g = await api.get<GroupBuyView>(`/group-buys/${encodeURIComponent(groupBuyId)}`);
    byId('group-buy-title').textContent = g.title;
    progress.show(g);
    byId<HTMLInputElement>('join-qty').max = String(g.perBuyerLimit);
    byId<HTMLButtonElement>('join').disabled = g.status !== 'OPEN';
    if (order) showOrder(await api.get<OrderView>(`/orders/${order.id}`));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function join(e: Event): Promise<void> {
  e.preventDefault();
  const qty = Number(byId<HTMLInputElement>('join-qty').value);
  try {
    showOrder(await api.post<OrderView>(`/group-buys/${encodeURIComponent(groupBuyId)}/orders`, { qty }, { 'idempotency-key': newIdempotencyKey() }));
    toast('已参团，请支付 Joined: pay to keep your units');
    await refresh();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function pay(): Promise<void> {
  if (!order) return;
  try {
    showOrder(await api.post<OrderView>(`/orders/${order.id}/pay`));
    toast('支付成功，等待成团 Paid: waiting for the cut-off');
    await refresh();
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

function showOrder(o: OrderView): void {
  order = o;
  byId('my-order').classList.remove('hidden');
  byId('my-order').dataset.status = o.status;
  byId('my-order-text').textContent = `我的订单 My order: ${o.qty} 件 · ${yuan(o.totalFen)} · ${statusLabel(o.status)}`;
  byId('pay').classList.toggle('hidden', o.status !== 'PENDING_PAYMENT');
}

void main().catch((e: unknown) => toast(describeError(e), 'error'));
