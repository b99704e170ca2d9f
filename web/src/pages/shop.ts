// Buyer shop: the catalog at list price with what is left of each SKU, ordering (one idempotency
// key per tap, reused if that tap's request is retried), and the buyer's orders to pay or cancel.
import { Api, ApiError, buyerIdForThisBrowser, describeError } from '../api.js';
import type { ProductView as Product, SkuView as Sku } from '@lc/contracts/views';
import { OrderCard } from '../components/order-timeline.js';
import { PickupPointPicker } from '../components/pickup-point-picker.js';
import { byId, fill, h, toast } from '../dom.js';
import { yuan } from '../format.js';
import { newIdempotencyKey } from '../idempotency.js';
import { orderAction } from '../order-actions.js';
import type { OrderView as Order } from '@lc/contracts/views';
import { mountInbox } from '../components/inbox-bell.js';
import { MyLeaderCard } from '../components/my-leader.js';
import { noteShareLinkOutcome, rememberShareLink, shareLinkField } from '../share-link.js';
import type { ShareLinkOutcomeView } from '@lc/contracts/views';

let api: Api;
let myLeader: MyLeaderCard;
let picker: PickupPointPicker;
const cards = new Map<string, OrderCard>();
// A tap whose request got no answer (the network, a 5xx) keeps its key per SKU, so tapping again
// cannot order twice; once answered (placed or refused), the next tap is a new order.
const unansweredTaps = new Map<string, string>();

async function main(): Promise<void> {
  api = await Api.as(buyerIdForThisBrowser(), 'buyer');
  byId('who').textContent = api.user.name;
  void mountInbox(api);
  // A leader's share link opened this page: its token goes with the next order.
  rememberShareLink();
  myLeader = new MyLeaderCard(api);
  byId('my-leader').replaceWith(myLeader.element);
  void myLeader.load();
  // Orders go to the buyer's pickup point: without one they are refused, so it is chosen here.
  picker = new PickupPointPicker(api);
  byId('picker').replaceWith(picker.element);
  void picker.load();
  byId('refresh').addEventListener('click', () => void refreshProducts());
  setInterval(() => {
    for (const card of cards.values()) card.tick(Date.now());
  }, 1000);
  await Promise.all([refreshProducts(), refreshOrders()]);
}

async function refreshProducts(): Promise<void> {
  try {
    const { products } = await api.get<{ products: Product[] }>('/products');
    const rows = products.flatMap((p) => p.skus.map((s) => skuRow(p, s)));
    fill(byId('products'), ...(rows.length ? rows : [h('li', { class: 'muted' }, '暂无商品 Nothing for sale yet')]));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function skuRow(product: Product, sku: Sku): HTMLElement {
  const bought = sku.boughtByYou ?? 0;
  const limitLeft = sku.perBuyerLimit > 0 ? sku.perBuyerLimit - bought : Infinity;
  const most = Math.min(limitLeft, sku.available);
  const qty = h('input', { type: 'number', class: 'qty', min: '1', max: String(Math.max(1, most)), value: '1', style: 'width: 64px', 'aria-label': '数量 Quantity' });
  const buy = h(
    'button',
    { class: 'primary buy-sku', disabled: most <= 0 },
    sku.available <= 0 ? '已售罄 Sold out' : limitLeft <= 0 ? '已达限购 Limit reached' : '购买 Buy',
  );
  buy.addEventListener('click', () => {
    buy.disabled = true;
    const key = unansweredTaps.get(sku.id) ?? newIdempotencyKey();
    unansweredTaps.set(sku.id, key);
    void place(sku, Number(qty.value), key).then((answered) => {
      if (answered) unansweredTaps.delete(sku.id);
      buy.disabled = false;
    });
  });
  return h(
    'li',
    { class: 'row sku', 'data-sku-id': sku.id, 'data-available': String(sku.available), 'data-bought': String(bought) },
    product.imageUrls[0] ? h('img', { src: product.imageUrls[0], alt: '', style: 'width: 48px; height: 48px; object-fit: cover; border-radius: 6px' }) : null,
    h(
      'div',
      { class: 'grow' },
      h('div', {}, `${product.name} · ${sku.name}`),
      h(
        'div',
        { class: 'muted' },
        `剩余 ${sku.available} left`,
        sku.perBuyerLimit > 0 ? ` · 每人限购 ${sku.perBuyerLimit} per buyer · 已买 ${bought} you have ${bought}` : '',
      ),
    ),
    h('strong', { class: 'price' }, yuan(sku.listPriceFen)),
    qty,
    buy,
  );
}

async function place(sku: Sku, qty: number, key: string): Promise<boolean> {
  try {
    const order = await api.post<Order & { shareLink?: ShareLinkOutcomeView }>('/orders', { skuId: sku.id, qty, ...shareLinkField() }, { 'idempotency-key': key });
    addOrder(order);
    toast('下单成功，请尽快支付 Ordered, please pay');
    if (order.shareLink) {
      noteShareLinkOutcome(order.shareLink);
      // Joining a leader gives the buyer their pickup point too.
      await Promise.all([myLeader.load(), picker.load()]);
    }
    return true;
  } catch (e) {
    toast(describeError(e), 'error');
    // Refused (sold out, over the limit, bad quantity) is an answer too.
    return e instanceof ApiError && e.status >= 400 && e.status < 500;
  } finally {
    await refreshProducts();
  }
}

function addOrder(order: Order): void {
  const existing = cards.get(order.id);
  if (existing) return existing.update(order);
  const card = new OrderCard(order, (c) => act(c, 'pay'), (c) => act(c, 'cancel'));
  cards.set(order.id, card);
  byId('orders').prepend(card.element);
  card.tick(Date.now());
}

async function act(card: OrderCard, action: 'pay' | 'cancel'): Promise<void> {
  await orderAction(api, card, action);
  if (action === 'cancel') await refreshProducts();
}

async function refreshOrders(): Promise<void> {
  try {
    const { orders } = await api.get<{ orders: Order[] }>('/orders');
    for (const o of orders.filter((x) => !x.flashSaleId).reverse()) addOrder(o);
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

void main().catch((e: unknown) => toast(describeError(e), 'error'));
