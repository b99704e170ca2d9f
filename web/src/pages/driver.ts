// Driver's run: the route on a map, stops in order with ETAs, arrived / handed-over buttons, and
// the driver's position sent on request. Refreshes every few seconds so statuses stay live.
import { Api, describeError } from '../api.js';
import { routeMap, statusLegend } from '../components/route-map.js';
import { byId, fill, h, param, toast } from '../dom.js';
import { clockTime } from '../format.js';
import type { Route } from '@lc/contracts/views';
import { STOP_STATUS } from '../fulfillment-labels.js';
import { mountInbox } from '../components/inbox-bell.js';

let api: Api;
let lastPosition: { lat: number; lng: number } | undefined;

async function main(): Promise<void> {
  api = await Api.as(param('driver') ?? 'driver-1', 'driver');
  byId('who').textContent = api.user.name;
  void mountInbox(api);
  byId('share-position').addEventListener('click', sharePosition);
  await refresh();
  setInterval(() => void refresh(), 5000);
}

async function refresh(): Promise<void> {
  try {
    const { route } = await api.get<{ route: Route | null }>('/driver/route');
    show(route);
  } catch (e) {
    byId('route-summary').textContent = describeError(e);
  }
}

function show(route: Route | null): void {
  if (!route) {
    byId('route-summary').textContent = '今天没有分配路线 No route assigned today';
    fill(byId('map-slot'));
    fill(byId('stops'));
    return;
  }
  byId('route-status').textContent = route.status;
  byId('route-summary').textContent = `${route.vehicleId} · ${route.stops.length} 站 stops · ${(route.distanceM / 1000).toFixed(1)} km · 出发 departs ${clockTime(route.startAtMs)}`;
  fill(byId('map-slot'), routeMap([route], undefined, lastPosition, { etas: true }), statusLegend());
  const dispatched = route.status === 'DISPATCHED';
  const stops = [...route.stops].sort((a, b) => a.sequence - b.sequence);
  fill(
    byId('stops'),
    ...stops.map((s) =>
      h(
        'li',
        { class: 'row', 'data-stop-id': s.id, 'data-status': s.status },
        h('span', { class: 'badge', style: `background:${STOP_STATUS[s.status]?.color ?? '#ccc'};color:#fff` }, String(s.sequence)),
        h(
          'span',
          { class: 'grow' },
          h('strong', {}, s.pickupPointName),
          h('br'),
          h(
            'span',
            { class: 'muted' },
            `${STOP_STATUS[s.status]?.label ?? s.status} · 预计 ETA ${clockTime(s.etaAtMs || s.plannedArrivalAtMs)} · 收货时间 window ${clockTime(s.windowStartAtMs)}–${clockTime(s.windowEndAtMs)} · ${s.bagCount} 袋 bags`,
          ),
        ),
        dispatched && s.status === 'PENDING' ? h('button', { class: 'small primary arrived', onclick: () => void step(s.id, 'arrived') }, '已到达 Arrived') : null,
        dispatched && s.status === 'ARRIVED' ? h('button', { class: 'small go handed-over', onclick: () => void step(s.id, 'handed-over') }, '已交接 Handed over') : null,
      ),
    ),
  );
}

async function step(stopId: string, action: 'arrived' | 'handed-over'): Promise<void> {
  try {
    await api.post(`/stops/${stopId}/${action}`);
    await refresh();
  } catch (e) {
    toast(describeError(e), 'error');
  }
}

function sharePosition(): void {
  if (!navigator.geolocation) return toast('此设备无法定位 No location on this device', 'error');
  navigator.geolocation.getCurrentPosition(
    (p) => {
      lastPosition = { lat: p.coords.latitude, lng: p.coords.longitude };
      api
        .post<Route>('/driver/position', lastPosition)
        .then((route) => {
          show(route);
          toast('位置已更新，预计到达时间已刷新 Position sent, ETAs updated');
        })
        .catch((e: unknown) => toast(describeError(e), 'error'));
    },
    (err) => toast(`定位失败 Location failed: ${err.message}`, 'error'),
    { enableHighAccuracy: true, timeout: 10_000 },
  );
}

main().catch((e: unknown) => toast(describeError(e), 'error'));
