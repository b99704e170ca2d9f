// After-sales (售后): a buyer's request on one order (`?orderId=`) with photos, its status and the
// answers; for the order's leader, the serving warehouse's staff and admins (`?as=leader-1`) the
// queue of requests to answer and resolve with a refund, and for admins what is overdue.
import { Api, buyerIdForThisBrowser, describeError, type User } from '../api.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { mountInbox } from '../components/inbox-bell.js';
import { dateTime, statusLabel, yuan } from '../format.js';
import { AUTHOR_LABELS, CASE_STATUS_LABELS, KIND_LABELS } from '../after-sales-labels.js';
import type { AfterSalesReportView, AfterSalesView, OrderView } from '@lc/contracts/views';

const PHOTO_MAX = 3;
const PHOTO_MAX_BYTES = 1024 * 1024;

let api: Api;
const orderId = param('orderId');
const photoUrls = new Map<string, string>();

async function main(): Promise<void> {
  // The queue is for leaders, staff and admins; a development id names its role (`leader-1`).
  const as = param('as');
  api = await Api.as(as ?? buyerIdForThisBrowser(), as ? (as.replace(/-\d+$/, '') as User['role']) : 'buyer');
  byId('who').textContent = api.user.name;
  // "After-sales answered" and refunds arrive in the inbox; the bell shows them while this page is open.
  void mountInbox(api);
  byId('refresh').addEventListener('click', () => void refresh());
  if (api.user.role === 'buyer') {
    byId('request-form').addEventListener('submit', (e) => void submitRequest(e));
    byId('photos').addEventListener('change', () => void preview());
  } else {
    byId('cases-title').replaceChildren('售后待办 ', h('span', { class: 'en' }, 'After-sales queue'));
  }
  await refresh();
  setInterval(() => void refresh(), 15_000);
}

async function refresh(): Promise<void> {
  try {
    const query = orderId ? `?orderId=${encodeURIComponent(orderId)}` : '';
    const { cases } = await api.get<{ cases: AfterSalesView[] }>(`/after-sales${query}`);
    if (api.user.role === 'buyer' && orderId) await showRequestForm(cases);
    if (api.user.role === 'admin') await showReport();
    fill(byId('cases'), ...(await Promise.all(cases.map(caseCard))));
    if (!cases.length) fill(byId('cases'), h('p', { class: 'muted' }, '暂无售后 No after-sales requests'));
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

/** The form shows when the buyer's order admits a request and none is open. */
async function showRequestForm(cases: AfterSalesView[]): Promise<void> {
  const order = await api.get<OrderView>(`/orders/${orderId}`);
  byId('order-summary').textContent = `订单 Order ${order.id.slice(0, 8)} · ${order.qty} 件 pcs · ${yuan(order.totalFen)} · ${statusLabel(order.status)}`;
  const admits = order.status === 'PAID' || order.status === 'PICKED_UP';
  const open = cases.some((c) => c.status !== 'RESOLVED');
  byId('request').classList.toggle('hidden', !admits || open);
}

async function showReport(): Promise<void> {
  const r = await api.get<AfterSalesReportView>('/admin/after-sales/report');
  byId('report').classList.remove('hidden');
  fill(
    byId('report-summary'),
    h('p', {}, `待响应 Open ${r.open} · 处理中 Answered ${r.answered} · 已解决 Resolved ${r.resolved}`),
    h('p', { id: 'overdue-counts' }, h('span', { class: 'badge warn' }, `超24h未响应 Response overdue ${r.responseOverdue}`), ' ', h('span', { class: 'badge warn' }, `超48h未解决 Resolution overdue ${r.resolutionOverdue}`), ` · 已升级 Escalated ${r.escalated}`),
  );
}

async function caseCard(c: AfterSalesView): Promise<HTMLElement> {
  const overdue = c.escalations.length ? h('span', { class: 'badge warn' }, `已超时 Overdue: ${c.escalations.join(', ')}`) : null;
  const card = h(
    'article',
    { class: 'card case', 'data-case-id': c.id, 'data-status': c.status },
    h('div', { class: 'row' }, h('h3', { class: 'grow' }, KIND_LABELS[c.kind] ?? c.kind), h('span', { class: `badge ${c.status === 'RESOLVED' ? 'ok' : ''}` }, CASE_STATUS_LABELS[c.status] ?? c.status), overdue),
    h('p', { class: 'muted' }, `订单 Order ${c.orderId.slice(0, 8)} · ${c.qty} 件 pcs · 已付 paid ${yuan(c.paidFen)} · ${statusLabel(c.orderStatus)} · 提交于 opened ${dateTime(c.openedAt)}`),
    c.status !== 'RESOLVED' ? h('p', { class: 'muted' }, `须于 ${dateTime(c.respondBy)} 前响应、${dateTime(c.resolveBy)} 前解决 Answer by / resolve by`) : null,
    h('div', { class: 'row photos' }, ...(await Promise.all(c.photos.map((p) => photo(p.url))))),
    h('ul', { class: 'feed messages' }, ...c.messages.map((m) => h('li', {}, h('b', {}, `${AUTHOR_LABELS[m.authorRole] ?? m.authorRole}: `), m.text, h('span', { class: 'muted' }, ` ${dateTime(m.at)}`)))),
    c.status === 'RESOLVED'
      ? h('p', { class: 'resolution' }, c.refundFen > 0 ? h('span', { class: 'badge ok refunded' }, `已退款 Refunded ${yuan(c.refundFen)}`) : h('span', { class: 'badge' }, '已解决，无退款 Resolved without refund'), c.refundStatus && c.refundStatus !== 'SUCCEEDED' ? ` (${c.refundStatus})` : '')
      : null,
  );
  if (api.user.role !== 'buyer' && c.status !== 'RESOLVED') card.append(...handlerForms(c));
  return card;
}

/** Photos need the bearer token, so they are fetched and shown from object URLs. */
async function photo(url: string): Promise<HTMLElement> {
  let src = photoUrls.get(url);
  if (!src) {
    const r = await fetch(url, { headers: { authorization: `Bearer ${api.session.token}` } });
    if (!r.ok) return h('span', { class: 'muted' }, '照片无法加载 Photo unavailable');
    src = URL.createObjectURL(await r.blob());
    photoUrls.set(url, src);
  }
  return h('img', { src, alt: '售后照片 photo', class: 'case-photo', style: 'width: 96px; height: 96px; object-fit: cover; border-radius: 8px' });
}

function handlerForms(c: AfterSalesView): HTMLElement[] {
  const answer = h('form', { class: 'row answer-form' }, h('input', { name: 'text', class: 'grow', maxlength: 1000, required: true, placeholder: '回复买家 Answer the buyer' }), h('button', { type: 'submit' }, '回复 Answer'));
  answer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = (answer.elements.namedItem('text') as HTMLInputElement).value;
    void act(`/after-sales/${c.id}/answers`, { text }, '已回复 Answered');
  });
  const amount = h('input', { name: 'refund', type: 'number', min: 0, step: '0.01', max: (c.refundableFen / 100).toFixed(2), value: (c.refundableFen / 100).toFixed(2), style: 'width: 110px' });
  const note = h('input', { name: 'note', class: 'grow', maxlength: 1000, placeholder: '处理说明 Note' });
  const resolve = h('form', { class: 'row resolve-form' }, h('span', {}, '退款 Refund ¥'), amount, note, h('button', { type: 'submit', class: 'primary' }, '退款并解决 Refund & resolve'));
  resolve.addEventListener('submit', (e) => {
    e.preventDefault();
    // Yuan typed, fen sent: rounded to whole fen so 19.99 never becomes 1998.9999.
    const refundFen = Math.round(Number(amount.value) * 100);
    void act(`/after-sales/${c.id}/resolve`, { refundFen, note: note.value }, refundFen > 0 ? `已退款 Refunded ${yuan(refundFen)}` : '已解决 Resolved');
  });
  return [h('p', { class: 'muted' }, `可退 Refundable ${yuan(c.refundableFen)}（全额即全部退款 all of it is a full refund）`), answer, resolve];
}

async function act(path: string, body: unknown, done: string): Promise<void> {
  try {
    await api.post(path, body);
    toast(done);
    await refresh();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

/**
 * Photos from a phone are often several MB: anything above the limit is redrawn as a JPEG at
 * most 1600 px wide before upload. The server still judges every photo by its bytes.
 */
async function encodePhoto(file: File): Promise<string> {
  let blob: Blob = file;
  if (file.size > PHOTO_MAX_BYTES) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  }
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function chosenPhotos(): File[] {
  return [...(byId<HTMLInputElement>('photos').files ?? [])];
}

async function preview(): Promise<void> {
  const files = chosenPhotos();
  if (files.length > PHOTO_MAX) toast(`最多${PHOTO_MAX}张照片 At most ${PHOTO_MAX} photos`, 'error');
  fill(byId('previews'), ...files.slice(0, PHOTO_MAX).map((f) => h('img', { src: URL.createObjectURL(f), alt: f.name, style: 'width: 64px; height: 64px; object-fit: cover; border-radius: 8px' })));
}

async function submitRequest(e: Event): Promise<void> {
  e.preventDefault();
  const button = byId<HTMLButtonElement>('submit-request');
  const files = chosenPhotos();
  if (files.length > PHOTO_MAX) return toast(`最多${PHOTO_MAX}张照片 At most ${PHOTO_MAX} photos`, 'error');
  button.disabled = true;
  try {
    const photos = await Promise.all(files.map(encodePhoto));
    await api.post(`/orders/${orderId}/after-sales`, { kind: byId<HTMLSelectElement>('kind').value, text: byId<HTMLTextAreaElement>('text').value, photos });
    toast('已提交，24小时内响应 Submitted: we answer within 24 h');
    byId<HTMLFormElement>('request-form').reset();
    fill(byId('previews'));
    await refresh();
  } catch (err) {
    toast(describeError(err), 'error');
  } finally {
    button.disabled = false;
  }
}

main().catch((e: unknown) => toast(describeError(e), 'error'));
