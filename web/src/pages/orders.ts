// "My orders" for buyers: every order with its timeline, where its parcel goes (pin on the
// tile-free map), the pickup code as text and QR once the parcel is at the point, pay / cancel,
// and after-sales. Only the signed-in buyer's orders are asked for; the page follows them by
// polling, so a parcel that arrives shows up without a reload.
import QRCode from 'qrcode';
import { Api, buyerIdForThisBrowser, describeError } from '../api.js';
import { OrderCard } from '../components/order-timeline.js';
import { PickupPointPicker, describePoint } from '../components/pickup-point-picker.js';
import { MyLeaderCard } from '../components/my-leader.js';
import { WeChatLinkCard } from '../components/wechat-link.js';
import { pinMap } from '../components/route-map.js';
import { mountInbox } from '../components/inbox-bell.js';
import { byId, fill, h, toast } from '../dom.js';
import { orderAction } from '../order-actions.js';
import type { OrderView as Order, PickupPointChoiceView } from '@lc/contracts/views';

interface PickupCode {
  orderId: string;
  pickupPointId: string;
  deliveryDate: string;
  code: string;
  status: string;
}

/** Orders an after-sales request can be opened on: paid, on the way, or collected. */
const AFTER_SALES_FROM = new Set(['PAID', 'PACKED', 'OUT_FOR_DELIVERY', 'READY_FOR_PICKUP', 'PICKED_UP']);

let api: Api;
const cards = new Map<string, { card: OrderCard; extras: HTMLElement; shown: string }>();
const points = new Map<string, PickupPointChoiceView>();

async function main(): Promise<void> {
  api = await Api.as(buyerIdForThisBrowser(), 'buyer');
  byId('who').textContent = api.user.name;
  void mountInbox(api);
  const picker = new PickupPointPicker(api);
  byId('picker').replaceWith(picker.element);
  const myLeader = new MyLeaderCard(api);
  byId('my-leader').replaceWith(myLeader.element);
  const weChat = new WeChatLinkCard(api);
  byId('wechat-link').replaceWith(weChat.element);
  byId('refresh').addEventListener('click', () => void refresh());
  setInterval(() => {
    for (const { card } of cards.values()) card.tick(Date.now());
  }, 1000);
  setInterval(() => void refresh(), 5000);
  await Promise.all([picker.load(), myLeader.load(), weChat.load(), refresh()]);
}

async function refresh(): Promise<void> {
  try {
    const [{ orders }, { codes }] = await Promise.all([api.get<{ orders: Order[] }>('/orders'), api.get<{ codes: PickupCode[] }>('/pickup-codes')]);
    await learnPoints(orders.map((o) => o.pickupPointId));
    const codeOf = new Map(codes.map((c) => [c.orderId, c]));
    const list = byId('orders');
    if (!orders.length) fill(list, h('p', { class: 'muted' }, '还没有订单 No orders yet'));
    else list.querySelector('p.muted')?.remove();
    for (const o of [...orders].reverse()) show(o, codeOf.get(o.id));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function learnPoints(ids: string[]): Promise<void> {
  const unknown = [...new Set(ids.filter((id) => id && !points.has(id)))];
  if (!unknown.length) return;
  const { pickupPoints } = await api.get<{ pickupPoints: PickupPointChoiceView[] }>(`/pickup-points?ids=${unknown.map(encodeURIComponent).join(',')}&limit=100`);
  for (const p of pickupPoints) points.set(p.id, p);
}

function show(order: Order, code: PickupCode | undefined): void {
  let entry = cards.get(order.id);
  if (!entry) {
    const card = new OrderCard(order, (c) => orderAction(api, c, 'pay'), (c) => orderAction(api, c, 'cancel'));
    const extras = h('div', { class: 'order-extras' });
    card.element.append(extras);
    entry = { card, extras, shown: '' };
    cards.set(order.id, entry);
    byId('orders').prepend(card.element);
    card.tick(Date.now());
  } else entry.card.update(order);
  // Re-render the extras only when what they show changed (the QR canvas is not redrawn each poll).
  const shown = `${order.status}|${code?.code ?? ''}|${code?.status ?? ''}|${order.pickupPointId}`;
  if (shown !== entry.shown) {
    entry.shown = shown;
    renderExtras(entry.extras, order, code);
  }
}

function renderExtras(extras: HTMLElement, order: Order, code: PickupCode | undefined): void {
  const point = points.get(order.pickupPointId);
  const ready = order.status === 'READY_FOR_PICKUP' && code && code.status !== 'PICKED_UP';
  const qr = h('canvas', { class: 'pickup-qr', width: 200, height: 200, 'aria-label': '提货二维码 Pickup QR code' });
  if (ready) void QRCode.toCanvas(qr, code.code, { width: 200, margin: 2 }).catch((e: unknown) => toast(String(e), 'error'));
  const refund = h('button', { class: 'small cancel-paid', type: 'button' }, '取消并退款 Cancel & refund');
  refund.addEventListener('click', () => void cancelPaid(order.id));
  fill(
    extras,
    point
      ? h(
          'div',
          { class: 'parcel-point', 'data-point-id': point.id },
          h('div', {}, '自提点 Pickup point: ', h('strong', {}, point.name)),
          h('div', { class: 'muted' }, describePoint(point)),
          pinMap([{ lat: point.lat, lng: point.lng, label: point.name, kind: 'point' }]),
        )
      : null,
    ready
      ? h(
          'div',
          { class: 'pickup-code-box' },
          h('div', {}, '提货码 Pickup code'),
          h('div', { class: 'pickup-code', style: 'font-size: 32px; letter-spacing: 6px; font-weight: 700' }, code.code),
          qr,
          h('div', { class: 'muted' }, '到自提点出示给团长 Show it to the leader at the pickup point'),
        )
      : null,
    h(
      'div',
      { class: 'row' },
      order.status === 'PAID' ? refund : null,
      AFTER_SALES_FROM.has(order.status) ? h('a', { class: 'small after-sales', href: `/after-sales.html?orderId=${encodeURIComponent(order.id)}` }, '申请售后 Request after-sales') : null,
    ),
  );
}

async function cancelPaid(orderId: string): Promise<void> {
  const entry = cards.get(orderId);
  if (entry) await orderAction(api, entry.card, 'cancel');
  await refresh();
}

void main().catch((e: unknown) => toast(describeError(e), 'error'));
