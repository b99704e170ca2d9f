// Leader console: schedule or pick a session, go live with camera and microphone, pin products,
// run flash sales and group buys (开团) of their own products, propose new products to their
// warehouse, watch orders arrive, moderate chat. URL: /leader.html[?leader=leader-1&session=<id>]
import { Api, describeError } from '../api.js';
import type { ProductView as Product, ProductProposalView as ProductProposal } from '@lc/contracts/views';
import { PROPOSAL_STATUS, toFen } from '../catalog-labels.js';
import { ChatPanel } from '../components/chat-panel.js';
import { StockBar } from '../components/stock-bar.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { clockTime, countdown, statusLabel, yuan } from '../format.js';
import type { FlashSaleView as Sale, JoinResult, LiveSessionJson as LiveSession, OrderStatusPush, Pin, ShareLinkView, Stock } from '@lc/contracts/views';
import { LiveError, LiveSocket, ServerClock, describeLiveError, liveRoomUrl } from '../live-socket.js';
import { endSession, listSessions, scheduleSession, startSession } from '../live-sessions.js';
import { Publication } from '../media/live-media.js';
import { mountInbox } from '../components/inbox-bell.js';
import { LeaderCustomers } from '../components/leader-customers.js';
import { GroupBuyPanel } from '../components/group-buy-panel.js';

const clock = new ServerClock();
const stockBar = new StockBar('stock');
let api: Api;
let live: LiveSocket;
/** What the console shows of a session, from the socket's or the REST API's view alike. */
type SessionHeader = Pick<LiveSession, 'id' | 'title' | 'status'>;
let current: SessionHeader | undefined;
let sale: Sale | null = null;
let publication: Publication | undefined;
let camera: MediaStream | undefined;
// Set while the live room's video server is still being built (first `npm start`): we retry.
let mediaRetry: ReturnType<typeof setTimeout> | undefined;
const MEDIA_RETRY_MS = 5_000;
let products: Product[] = [];
let chat: ChatPanel | undefined;
const feedOrders = new Map<string, HTMLElement>();

async function main(): Promise<void> {
  api = await Api.as(param('leader') ?? 'leader-1', 'leader');
  byId('who').textContent = api.user.name;
  live = await LiveSocket.connect(await liveRoomUrl(), api.session.token, () => api.renew());
  void mountInbox(api, live);
  listen();
  const customers = new LeaderCustomers(api);
  byId('customers-slot').replaceWith(customers.element);
  void customers.load();
  byId('stock-slot').append(stockBar.element);
  byId('new-session').addEventListener('submit', (e) => void createSession(e));
  byId('propose-product').addEventListener('submit', (e) => void proposeProduct(e));
  byId('sale-form').addEventListener('submit', (e) => void startSale(e));
  byId('go-live').addEventListener('click', () => void goLive());
  byId('end-live').addEventListener('click', () => void endLive());
  byId('end-sale').addEventListener('click', () => void endSale());
  setInterval(tick, 250);
  await Promise.all([refreshSessions(), refreshProducts(), refreshProposals()]);
  void new GroupBuyPanel(api, () => products).mount();
  const wanted = param('session');
  if (wanted) await enter(wanted);
}

function listen(): void {
  live.on<{ count: number }>('session:viewers', ({ count }) => {
    byId('viewers').textContent = `👀 ${count} 观看 watching`;
    byId('viewers').dataset.count = String(count);
  });
  live.on<{ session: LiveSession }>('session:status', ({ session }) => showSession(session));
  live.on<{ pin: Pin }>('product:pinned', ({ pin }) => showPin(pin));
  live.on('product:unpinned', () => showPin(null));
  live.on<{ sale: Sale; serverNowMs: number }>('sale:started', (m) => {
    clock.pushed(m.serverNowMs);
    showSale(m.sale);
  });
  live.on<{ flashSaleId: string }>('sale:ended', ({ flashSaleId }) => {
    if (sale?.id === flashSaleId) showSale(null);
  });
  live.on<Stock>('sale:stock', (s) => {
    if (sale?.id === s.flashSaleId) {
      sale = { ...sale, stock: s };
      stockBar.show(s);
    }
  });
  live.on<OrderStatusPush>('order:feed', (o) => showFeedOrder(o));
  live.onReconnect(() => {
    if (current) void enter(current.id);
  });
}

// Sessions -------------------------------------------------------------------------------------

async function refreshSessions(): Promise<void> {
  const list = byId('session-list');
  try {
    const sessions = await listSessions(api, api.user.id);
    fill(
      list,
      ...sessions.map((s) =>
        h(
          'li',
          { class: 'row', 'data-session-id': s.id },
          h('span', { class: `badge ${s.status === 'LIVE' ? 'live' : ''}` }, s.status),
          h('span', { class: 'grow' }, s.title, ' ', h('span', { class: 'muted' }, new Date(s.scheduledAt ?? 0).toLocaleString('zh-CN', { hour12: false }))),
          h('button', { class: 'small', onclick: () => void enter(s.id) }, '进入 Open'),
        ),
      ),
    );
    if (!sessions.length) fill(list, h('li', { class: 'muted' }, '还没有场次 No sessions yet — create one above'));
  } catch (e) {
    fill(list, h('li', { class: 'muted' }, `无法加载 Cannot load sessions: ${describeError(e)}`));
  }
}

async function createSession(e: Event): Promise<void> {
  e.preventDefault();
  const form = new FormData(e.target as HTMLFormElement);
  const when = String(form.get('scheduledAt') ?? '');
  try {
    const session = await scheduleSession(api, String(form.get('title')), when ? new Date(when) : undefined);
    await refreshSessions();
    await enter(session.id);
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function enter(sessionId: string): Promise<void> {
  try {
    const sentAt = Date.now();
    const joined = await live.request<JoinResult>('session:join', { sessionId });
    clock.sample(joined.serverNowMs, sentAt, Date.now());
    if (!joined.isHost) toast('这不是您的直播间 You are not the host of this session', 'error');
    showSession(joined.session);
    byId('viewers').textContent = `👀 ${joined.viewers} 观看 watching`;
    byId('room').classList.remove('hidden');
    byId('controls').classList.remove('hidden');
    if (!chat) {
      chat = new ChatPanel(live, { host: true, selfId: api.user.id });
      byId('chat-slot').append(chat.element);
    }
    chat.showHistory(joined.chat);
    showPin(joined.session.pinned);
    showSale(joined.sale);
    if (joined.isHost) void shareSession(joined.session.id);
    const url = new URL(location.href);
    url.searchParams.set('session', sessionId);
    history.replaceState(null, '', url);
  } catch (e) {
    toast(describeLiveError(e), 'error');
  }
}

/** The room's share link, signed for this leader and session: buyers who order through it join them. */
async function shareSession(sessionId: string): Promise<void> {
  try {
    const made = await api.post<ShareLinkView>('/leader/share-links', { liveSessionId: sessionId });
    const share = new URL(made.url, location.href);
    const rt = param('rt');
    if (rt) share.searchParams.set('rt', rt);
    byId<HTMLAnchorElement>('share-link').href = share.toString();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function showSession(s: SessionHeader): void {
  current = s;
  byId('session-title').textContent = s.title;
  byId('sessions-card').dataset.current = s.id;
  const badge = byId('live-badge');
  badge.textContent = s.status === 'LIVE' ? '直播中 LIVE' : s.status === 'ENDED' ? '已结束 Ended' : '未开播 Scheduled';
  badge.className = `badge ${s.status === 'LIVE' ? 'live' : ''}`;
  byId('go-live').classList.toggle('hidden', s.status === 'ENDED' || publication !== undefined);
  byId('end-live').classList.toggle('hidden', s.status !== 'LIVE');
}

// Media ----------------------------------------------------------------------------------------

async function goLive(): Promise<void> {
  mediaRetry = undefined;
  if (!current) return;
  const state = byId('media-state');
  const button = byId<HTMLButtonElement>('go-live');
  button.disabled = true;
  try {
    state.textContent = '打开摄像头… Opening camera…';
    camera ??= await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 24 }, audio: true });
    const preview = byId<HTMLVideoElement>('preview');
    preview.srcObject = camera;
    byId('preview-placeholder').classList.add('hidden');
    if (current.status !== 'LIVE') showSession(await startSession(api, current.id));
    if (state.dataset.preparing === undefined) state.textContent = '连接中… Connecting…';
    publication = await Publication.start(live, camera);
    stopMediaRetry();
    state.textContent = `已推流 Publishing ${publication.kinds.join(' + ')}`;
    state.dataset.publishing = publication.kinds.join(',');
    showSession(current);
  } catch (e) {
    if (e instanceof LiveError && e.code === 'MEDIA_PREPARING') {
      // The session is live and chat and sales work; only video waits for the worker build.
      state.textContent = '视频服务准备中，稍后自动推流… Media is being prepared (first start builds the video server); retrying…';
      state.dataset.preparing = 'true';
      mediaRetry = setTimeout(() => void goLive(), MEDIA_RETRY_MS);
      return;
    }
    state.textContent = '';
    toast(`开播失败 Could not go live: ${describeLiveError(e)}`, 'error');
  } finally {
    // While a retry is pending a second click would publish twice.
    button.disabled = mediaRetry !== undefined;
  }
}

function stopMediaRetry(): void {
  clearTimeout(mediaRetry);
  mediaRetry = undefined;
  delete byId('media-state').dataset.preparing;
  byId<HTMLButtonElement>('go-live').disabled = false;
}

async function endLive(): Promise<void> {
  if (!current || !confirm('确定下播？ End the stream?')) return;
  stopMediaRetry();
  publication?.stop();
  publication = undefined;
  for (const t of camera?.getTracks() ?? []) t.stop();
  camera = undefined;
  byId('media-state').textContent = '';
  try {
    showSession(await endSession(api, current.id));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

// Products -------------------------------------------------------------------------------------

// A leader pins and sells only their own products; new ones come from proposals staff accept.
async function refreshProducts(): Promise<void> {
  try {
    const all = await api.get<{ products: Product[] }>('/products');
    products = all.products.filter((p) => p.ownerLeaderId === api.user.id);
  } catch (e) {
    toast(describeError(e), 'error');
    return;
  }
  fill(
    byId('product-list'),
    ...products.map((p) =>
      h(
        'li',
        { class: 'row', 'data-product-id': p.id },
        h('span', { class: 'grow' }, p.name, ' ', h('span', { class: 'muted' }, p.skus.map((s) => `${s.name} ${yuan(s.listPriceFen)}`).join(' / '))),
        h('button', { class: 'small pin', onclick: () => void pinProduct(p) }, '置顶 Pin'),
      ),
    ),
  );
  const select = byId<HTMLSelectElement>('sale-sku');
  const selected = select.value;
  fill(select, ...products.flatMap((p) => p.skus.map((s) => h('option', { value: s.id }, `${p.name} · ${s.name}`))));
  if (selected) select.value = selected;
}

async function proposeProduct(e: Event): Promise<void> {
  e.preventDefault();
  const form = new FormData(e.target as HTMLFormElement);
  try {
    await api.post<ProductProposal>('/product-proposals', {
      name: String(form.get('name')),
      skus: [{ name: String(form.get('sku')), listPriceFen: toFen(String(form.get('price'))), initialStock: Number(form.get('stock')) }],
    });
    await refreshProposals();
    toast('已提交，等待仓库审核 Proposed: the warehouse will review it');
  } catch (err) {
    toast(describeError(err), 'error');
  }
}

async function refreshProposals(): Promise<void> {
  try {
    const { proposals } = await api.get<{ proposals: ProductProposal[] }>('/product-proposals');
    fill(
      byId('proposal-list'),
      ...proposals.map((p) =>
        h(
          'li',
          { class: 'row', 'data-proposal-id': p.id, 'data-status': p.status },
          h('span', { class: `badge ${p.status === 'ACCEPTED' ? 'ok' : p.status === 'REJECTED' ? 'warn' : ''}` }, PROPOSAL_STATUS[p.status]),
          h('span', { class: 'grow' }, p.name, p.reason ? h('span', { class: 'muted' }, ` · ${p.reason}`) : ''),
        ),
      ),
    );
    // An accepted proposal is a product of this leader now.
    if (proposals.some((p) => p.productId && !products.some((x) => x.id === p.productId))) await refreshProducts();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

async function pinProduct(p: Product): Promise<void> {
  try {
    const { pin } = await live.request<{ pin: Pin }>('product:pin', { productId: p.id });
    showPin(pin);
    if (pin.skuId) byId<HTMLSelectElement>('sale-sku').value = pin.skuId;
  } catch (e) {
    toast(describeLiveError(e), 'error');
  }
}

function showPin(pin: Pin | null): void {
  const el = byId('pinned');
  el.dataset.productId = pin?.productId ?? '';
  fill(
    el,
    pin ? `📌 已置顶 Pinned: ${pin.name}${pin.sku ? ` · ${pin.sku.name} ${yuan(pin.sku.listPriceFen)}` : ''} ` : '未置顶 Nothing pinned',
    pin ? h('button', { class: 'small link', onclick: () => void live.request('product:unpin').catch((e) => toast(describeLiveError(e), 'error')) }, '取消 Unpin') : null,
  );
}

// Flash sale -----------------------------------------------------------------------------------

async function startSale(e: Event): Promise<void> {
  e.preventDefault();
  const form = new FormData(e.target as HTMLFormElement);
  const button = byId<HTMLButtonElement>('start-sale');
  button.disabled = true;
  try {
    const sentAt = Date.now();
    const r = await live.request<{ sale: Sale; serverNowMs: number }>('sale:start', {
      skuId: String(form.get('skuId')),
      warehouseId: String(form.get('warehouseId')),
      salePriceFen: toFen(String(form.get('price'))),
      quantity: Number(form.get('quantity')),
      perBuyerLimit: Number(form.get('limit')),
      countdownSeconds: Number(form.get('countdown')),
      durationSeconds: Number(form.get('duration')) * 60,
    });
    clock.sample(r.serverNowMs, sentAt, Date.now());
    showSale(r.sale);
  } catch (err) {
    toast(err instanceof Error && !('code' in err) ? err.message : describeLiveError(err), 'error');
  } finally {
    button.disabled = false;
  }
}

async function endSale(): Promise<void> {
  try {
    await live.request('sale:end');
    showSale(null);
  } catch (e) {
    toast(describeLiveError(e), 'error');
  }
}

function showSale(s: Sale | null): void {
  sale = s;
  stockBar.reset();
  byId('sale-status').classList.toggle('hidden', !s);
  byId('sale-form').classList.toggle('hidden', !!s);
  if (s) stockBar.show(s.stock);
  tick();
}

function tick(): void {
  if (!sale) return;
  const now = clock.now();
  const phase = byId('sale-phase');
  const value = byId('sale-countdown');
  const name = sale.sku?.name ?? '';
  if (now < sale.startsAtMs) {
    phase.textContent = `${name} ${yuan(sale.salePriceFen)} · 距开抢 Starts in`;
    value.textContent = countdown(sale.startsAtMs - now);
  } else if (now < sale.endsAtMs) {
    phase.textContent = `${name} ${yuan(sale.salePriceFen)} · 抢购中 Selling · 距结束 ends in`;
    value.textContent = countdown(sale.endsAtMs - now);
  } else {
    phase.textContent = `${name} · 已结束 Ended`;
    value.textContent = '';
  }
}

// Order feed -----------------------------------------------------------------------------------

function showFeedOrder(o: OrderStatusPush): void {
  const text = `${clockTime(o.atMs)} · ${o.buyerId ?? ''} · ${o.qty} 件 pcs · ${yuan(o.totalFen)} · ${statusLabel(o.status)}`;
  const existing = feedOrders.get(o.orderId);
  if (existing) {
    existing.textContent = text;
    existing.dataset.status = o.status;
    return;
  }
  const item = h('li', { class: 'fresh', 'data-order-id': o.orderId, 'data-status': o.status }, text);
  feedOrders.set(o.orderId, item);
  byId('order-feed').prepend(item);
  byId('order-count').textContent = String(feedOrders.size);
}

main().catch((e: unknown) => {
  console.error(e);
  toast(`无法连接 Cannot connect: ${describeLiveError(e)}`, 'error');
});
