// The leader's pickup counter: parcels coming to this pickup point with their status, confirming
// receipt from the driver, and handing parcels to buyers against their 6-digit pickup code, typed
// or read from the buyer's QR code (camera or photo).
import { Api, describeError } from '../api.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { clockTime } from '../format.js';
import type { Bag, Stop } from '@lc/contracts/views';
import { BAG_STATUS } from '../fulfillment-labels.js';
import { mountInbox } from '../components/inbox-bell.js';
import { CameraScanner, decodePhoto } from '../components/code-scanner.js';

let api: Api;
/** Stops whose receipt this page confirmed. */
const received = new Set<string>();
/** Units the leader typed as missing, by order id, kept across the page's refreshes. */
const missing = new Map<string, number>();

async function main(): Promise<void> {
  api = await Api.as(param('leader') ?? 'leader-1', 'leader');
  byId('who').textContent = api.user.name;
  void mountInbox(api);
  byId('verify-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void verify();
  });
  wireScanning();
  byId('refresh').addEventListener('click', () => void refresh());
  await refresh();
  setInterval(() => void refresh(), 10_000);
}

async function refresh(): Promise<void> {
  try {
    const { pickupPoint, parcels } = await api.get<{ pickupPoint?: { name: string; address: string }; parcels: Bag[] }>('/leader/pickup-point/parcels');
    if (pickupPoint) byId('point-name').replaceChildren(`${pickupPoint.name} `, h('span', { class: 'en' }, pickupPoint.address));
    const count = (s: string[]) => parcels.filter((p) => s.includes(p.status)).length;
    byId('parcel-summary').textContent = `在途 On the way ${count(['PACKED', 'OUT_FOR_DELIVERY', 'DISPATCHED'])} · 待提货 Ready ${count(['ARRIVED', 'READY_FOR_PICKUP'])} · 已提货 Picked up ${count(['PICKED_UP'])}`;
    // One receipt per delivery (stop), not per parcel. The parcel list carries no stop status, so
    // the button stays until this page has seen the receipt confirmed; early presses get a refusal.
    const arrived = new Map<string, number>();
    for (const p of parcels) if (p.stopId && (p.status === 'ARRIVED' || p.status === 'READY_FOR_PICKUP')) arrived.set(p.stopId, (arrived.get(p.stopId) ?? 0) + 1);
    fill(
      byId('receipts'),
      ...[...arrived]
        .filter(([stopId]) => !received.has(stopId))
        .map(([stopId, n]) => h('button', { class: 'small receive', 'data-stop-id': stopId, onclick: () => void confirmReceipt(stopId) }, `确认收货 Confirm receipt · ${n} 件 parcels`)),
    );
    fill(
      byId('parcels'),
      ...parcels.map((p) =>
        h(
          'tr',
          { 'data-bag-id': p.id, 'data-status': p.status },
          h('td', {}, p.label),
          h('td', {}, p.buyerId),
          h('td', {}, String(p.qty)),
          h('td', {}, BAG_STATUS[p.status] ?? p.status, p.pickedUpAtMs ? h('span', { class: 'muted' }, ` ${clockTime(p.pickedUpAtMs)}`) : null),
          h('td', {}, arrived.has(p.stopId) && !received.has(p.stopId) ? missingInput(p) : null),
        ),
      ),
    );
    if (!parcels.length) fill(byId('parcels'), h('tr', {}, h('td', { colspan: 5, class: 'muted' }, '暂无包裹 No parcels yet')));
  } catch (e) {
    byId('parcel-summary').textContent = describeError(e);
  }
}

/** Units missing from a parcel, reported with the receipt: after-sales refunds them. */
function missingInput(p: Bag): HTMLInputElement {
  const input = h('input', { type: 'number', class: 'missing', min: 0, max: p.qty, value: missing.get(p.orderId) ?? 0, 'data-order-id': p.orderId, 'aria-label': '缺件数 Units missing', style: 'width: 64px' });
  input.addEventListener('input', () => missing.set(p.orderId, Number(input.value) || 0));
  return input;
}

async function confirmReceipt(stopId: string): Promise<void> {
  try {
    const { parcels } = await api.get<{ parcels: Bag[] }>('/leader/pickup-point/parcels');
    const shortages = parcels.filter((p) => p.stopId === stopId && (missing.get(p.orderId) ?? 0) > 0).map((p) => ({ orderId: p.orderId, missingQty: missing.get(p.orderId)! }));
    const stop = await api.post<Stop>(`/pickup-point/receipts/${stopId}`, { shortages });
    if (shortages.length) toast(`已报缺件，将自动退款 Missing units reported: refunded automatically`);
    if (stop.status === 'RECEIVED') received.add(stopId);
    toast('已确认收货 Receipt confirmed');
    await refresh();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function wireScanning(): void {
  const video = byId<HTMLVideoElement>('scan-video');
  const stopButton = byId('scan-stop');
  const scanner = new CameraScanner(video);
  const stop = () => {
    scanner.stop();
    video.classList.add('hidden');
    stopButton.classList.add('hidden');
  };
  stopButton.addEventListener('click', stop);
  byId('scan-camera').addEventListener('click', () => {
    video.classList.remove('hidden');
    stopButton.classList.remove('hidden');
    scanner
      .scan()
      .then((code) => (code ? scanned(code) : undefined))
      .catch((err: unknown) => toast(`无法打开摄像头，请输入或拍照 No camera: type the code or use a photo (${(err as Error).message})`, 'error'))
      .finally(stop);
  });
  const photo = byId<HTMLInputElement>('scan-photo');
  photo.addEventListener('change', () => {
    const file = photo.files?.[0];
    photo.value = '';
    if (!file) return;
    decodePhoto(file)
      .then((code) => (code ? scanned(code) : toast('照片里没有提货码 No pickup code in that photo', 'error')))
      .catch((err: unknown) => toast(describeError(err), 'error'));
  });
}

/** A code read from a QR code is verified as if typed. */
async function scanned(code: string): Promise<void> {
  byId<HTMLInputElement>('pickup-code').value = code;
  await verify();
}

async function verify(): Promise<void> {
  const input = byId<HTMLInputElement>('pickup-code');
  const result = byId('verify-result');
  try {
    const bag = await api.post<Bag>('/pickups/verify', { code: input.value.trim() });
    fill(result, h('span', { class: 'badge ok' }, '核销成功 Verified'), ` ${bag.label} · ${bag.buyerId} · ${bag.qty} 件 pcs — 请交给买家 hand it over`);
    result.dataset.outcome = 'ok';
    input.value = '';
    await refresh();
  } catch (err) {
    fill(result, h('span', { class: 'badge warn' }, '核销失败 Refused'), ` ${describeError(err)}`);
    result.dataset.outcome = 'refused';
  }
}

main().catch((e: unknown) => toast(describeError(e), 'error'));
