// Buyer live room: watch the leader, chat, see the pinned product and flash sale, buy, pay (or
// cancel unpaid), and follow the order. URL: /live.html?session=<id>&leader=<leaderId>
import { Api, buyerIdForThisBrowser, describeError } from '../api.js';
import { ChatPanel } from '../components/chat-panel.js';
import { OrderCard } from '../components/order-timeline.js';
import { StockBar } from '../components/stock-bar.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { countdown, yuan } from '../format.js';
import { newIdempotencyKey } from '../idempotency.js';
import type { FlashSaleView as Sale, JoinResult, LiveSessionJson as LiveSession, OrderView as Order, OrderStatusPush, Pin, Stock } from '@lc/contracts/views';
import { LiveError, LiveSocket, ServerClock, describeLiveError, liveRoomUrl } from '../live-socket.js';
import { Viewing } from '../media/live-media.js';
import { playWithSound } from '../media/playback.js';
import { orderAction } from '../order-actions.js';
import { mountInbox } from '../components/inbox-bell.js';
import { noteShareLinkOutcome, rememberShareLink, shareLinkField } from '../share-link.js';
import type { ShareLinkOutcomeView } from '@lc/contracts/views';

const clock = new ServerClock();
const stockBar = new StockBar('stock');
const orders = new Map<string, OrderCard>();
let sale: Sale | null = null;
let pin: Pin | null = null;
let api: Api;
let live: LiveSocket;
let sessionId: string;

async function main(): Promise<void> {
  const session = param('session');
  if (!session) {
    fill(byId('chat-slot'), h('div', { class: 'card' }, '缺少直播间编号 No live session in the link (?session=…)'));
    return;
  }
  sessionId = session;
  // A leader's share link opened this room: its token goes with the next order.
  rememberShareLink();
  byId('stock-slot').append(stockBar.element);
  api = await Api.as(buyerIdForThisBrowser(), 'buyer');
  byId('who').textContent = api.user.name;
  live = await LiveSocket.connect(await liveRoomUrl(), api.session.token, () => api.renew());
  void mountInbox(api, live);
  const chat = new ChatPanel(live, { host: false, selfId: api.user.id });
  byId('chat-slot').append(chat.element);
  listen(api, chat);

  const sentAt = Date.now();
  const joined = await live.request<JoinResult>('session:join', { sessionId });
  clock.sample(joined.serverNowMs, sentAt, Date.now());
  showSession(joined.session);
  showViewers(joined.viewers);
  chat.showHistory(joined.chat);
  if (joined.muted) chat.note(`您已被禁言 You are muted${joined.muted.reason ? `: ${joined.muted.reason}` : ''}`, 'refused');
  showPin(joined.session.pinned);
  showSale(joined.sale);
  await loadMyOrders(api);
  startVideo();
  setInterval(tick, 200);
  byId<HTMLButtonElement>('buy').addEventListener('click', () => void buy());
  // Rejoin after a reconnect (socket.io gives a new socket id, which is in no room yet).
  live.onReconnect(() => {
    const at = Date.now();
    void live.request<JoinResult>('session:join', { sessionId }).then((j) => {
      clock.sample(j.serverNowMs, at, Date.now());
      showSession(j.session);
      showSale(j.sale);
      startVideo();
    });
  });
}

function listen(api: Api, chat: ChatPanel): void {
  live.on<{ count: number }>('session:viewers', ({ count }) => showViewers(count));
  live.on<{ session: LiveSession }>('session:status', ({ session }) => {
    showSession(session);
    if (session.status === 'LIVE') startVideo();
  });
  live.on<{ pin: Pin }>('product:pinned', ({ pin: p }) => showPin(p));
  live.on('product:unpinned', () => showPin(null));
  live.on<{ sale: Sale; serverNowMs: number }>('sale:started', (m) => {
    clock.pushed(m.serverNowMs);
    showSale(m.sale);
    chat.note('秒杀开始倒计时 A flash sale is about to start!', 'system');
  });
  live.on<{ flashSaleId: string }>('sale:ended', ({ flashSaleId }) => {
    if (sale?.id === flashSaleId) sale = { ...sale, endsAtMs: Math.min(sale.endsAtMs, clock.now()) };
    tick();
  });
  live.on<Stock>('sale:stock', (s) => {
    if (sale && s.flashSaleId === sale.id) {
      sale = { ...sale, stock: s };
      stockBar.show(s);
      tick();
    }
  });
  live.on<OrderStatusPush>('order:status', (p) => {
    const card = orders.get(p.orderId);
    if (card) card.pushed(p.status, p.atMs);
    else if (p.liveSessionId === sessionId) void api.get<Order>(`/orders/${p.orderId}`).then(addOrder).catch(() => undefined);
  });
}

let viewing: Viewing | undefined;
function startVideo(): void {
  const video = byId<HTMLVideoElement>('video');
  viewing ??= new Viewing(live, (stream) => {
    const hasVideo = stream.getVideoTracks().length > 0;
    byId('video-placeholder').classList.toggle('hidden', hasVideo);
    if (video.srcObject !== stream) video.srcObject = stream;
    void playWithSound(video, byId<HTMLButtonElement>('unmute'));
  });
  viewing.start().catch((e: unknown) => {
    // Before the host goes live there may be no media room yet; media:newProducer brings it later,
    // also when the video server is still being built (the host's stream starts once it is).
    if (e instanceof LiveError && e.code === 'MEDIA_PREPARING') byId('video-placeholder').textContent = '视频准备中… Video is being prepared…';
    else if (!(e instanceof LiveError && (e.code === 'NOT_FOUND' || e.code === 'INVALID_STATE'))) console.warn('video', e);
  });
}

function showSession(s: LiveSession): void {
  byId('title').replaceChildren(s.title || '直播间', h('span', { class: 'en' }, `· ${param('leader') ?? s.leaderId}`));
  document.title = `${s.title} · 直播间 Live`;
  const badge = byId('live-badge');
  badge.textContent = s.status === 'LIVE' ? '直播中 LIVE' : s.status === 'ENDED' ? '已结束 Ended' : '未开播 Scheduled';
  badge.className = `badge ${s.status === 'LIVE' ? 'live' : ''}`;
}

function showViewers(count: number): void {
  byId('viewers').textContent = `👀 ${count} 观看 watching`;
  byId('viewers').dataset.count = String(count);
}

function showPin(p: Pin | null): void {
  pin = p;
  renderProduct();
}

function showSale(s: Sale | null): void {
  sale = s;
  stockBar.reset();
  if (s) stockBar.show(s.stock);
  renderProduct();
}

function renderProduct(): void {
  const card = byId('product');
  const name = sale?.sku ? undefined : pin?.name;
  card.classList.toggle('hidden', !pin && !sale);
  byId('product-name').textContent = pin?.name ?? name ?? sale?.sku?.name ?? '';
  byId('product-desc').textContent = [pin?.description, pin?.sku?.name ?? sale?.sku?.name].filter(Boolean).join(' · ');
  const listFen = sale?.sku?.listPriceFen ?? pin?.sku?.listPriceFen;
  byId('price').textContent = sale ? yuan(sale.salePriceFen) : listFen !== undefined ? yuan(listFen) : '';
  byId('list-price').textContent = sale && listFen !== undefined && listFen !== sale.salePriceFen ? yuan(listFen) : '';
  byId('sale-badge').classList.toggle('hidden', !sale);
  byId('sale-area').classList.toggle('hidden', !sale);
  byId('sale-area').dataset.flashSaleId = sale?.id ?? '';
  tick();
}

/** Countdown to the start (server time), then to the end; enables the buy button while it can work. */
function tick(): void {
  const now = clock.now();
  for (const card of orders.values()) card.tick(now);
  if (!sale) return;
  const buy = byId<HTMLButtonElement>('buy');
  const label = byId('countdown-label');
  const value = byId('countdown');
  const area = byId('sale-area');
  if (now < sale.startsAtMs) {
    label.textContent = '距开抢 Starts in';
    value.textContent = countdown(sale.startsAtMs - now);
    area.dataset.phase = 'countdown';
    buy.disabled = true;
    buy.textContent = '即将开抢 Starting soon';
  } else if (now < sale.endsAtMs) {
    label.textContent = '抢购中 · 距结束 Ends in';
    value.textContent = countdown(sale.endsAtMs - now);
    area.dataset.phase = 'open';
    const soldOut = sale.stock.available <= 0;
    buy.disabled = soldOut || buying;
    buy.textContent = soldOut ? '已抢光 Sold out' : buying ? '抢购中… Buying…' : '立即抢购 Buy now';
  } else {
    label.textContent = '';
    value.textContent = '已结束 Ended';
    area.dataset.phase = 'ended';
    buy.disabled = true;
    buy.textContent = '秒杀已结束 Sale ended';
  }
}

let buying = false;
async function buy(): Promise<void> {
  if (!sale || buying) return;
  buying = true;
  tick();
  // One key per tap; a retry of the same tap (timeout) reuses it so the server answers the first result.
  const idempotencyKey = newIdempotencyKey();
  const place = () => live.request<{ order: Order; replayed: boolean; shareLink?: ShareLinkOutcomeView }>('order:place', { flashSaleId: sale!.id, qty: 1, idempotencyKey, ...shareLinkField() });
  try {
    let result;
    try {
      result = await place();
    } catch (e) {
      if (e instanceof LiveError && e.code === 'UNAVAILABLE') result = await place();
      else throw e;
    }
    addOrder(result.order);
    toast('抢到了！请尽快支付 Got it! Please pay now');
    noteShareLinkOutcome(result.shareLink);
  } catch (e) {
    toast(describeLiveError(e), 'error');
  } finally {
    buying = false;
    tick();
  }
}

function addOrder(order: Order): void {
  const existing = orders.get(order.id);
  if (existing) {
    existing.update(order);
    return;
  }
  // Paying goes over the live socket (the room sees it at once); cancelling is a plain REST call.
  const card = new OrderCard(order, pay, (c) => orderAction(api, c, 'cancel'));
  orders.set(order.id, card);
  byId('orders').prepend(card.element);
  card.tick(clock.now());
}

async function pay(card: OrderCard): Promise<void> {
  try {
    const { order } = await live.request<{ order: Order; paymentId: string }>('order:pay', { orderId: card.order.id });
    card.update(order);
    toast('支付成功 Paid');
  } catch (e) {
    toast(describeLiveError(e), 'error');
  }
}

async function loadMyOrders(api: Api): Promise<void> {
  try {
    const { orders: mine } = await api.get<{ orders: Order[] }>('/orders');
    for (const o of mine.filter((x) => x.liveSessionId === sessionId).reverse()) addOrder(o);
  } catch (e) {
    console.warn('orders', describeError(e));
  }
}

main().catch((e: unknown) => {
  console.error(e);
  toast(`无法进入直播间 Cannot enter the live room: ${describeLiveError(e)}`, 'error');
});
