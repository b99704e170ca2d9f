// A delivery route drawn from coordinates alone (no map tiles): an equirectangular projection of
// the depot and stops fitted into the SVG box, one polyline per route, stops colored by status.
import { clockTime } from '../format.js';
import { svgEl as el } from '../dom.js';
import type { Route } from '@lc/contracts/views';
import { STOP_STATUS } from '../fulfillment-labels.js';

const W = 600;
const H = 400;
const PAD = 36;
const ROUTE_COLORS = ['#2b6de0', '#e4393c', '#1a9b55', '#9b59b6', '#ff7a00', '#16a2b8'];

interface Place {
  lat: number;
  lng: number;
}

/** Projects lat/lng into the box, keeping distances' proportions at these latitudes. */
export function projector(places: Place[]): (p: Place) => [number, number] {
  const lat0 = places.reduce((s, p) => s + p.lat, 0) / Math.max(1, places.length);
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = places.map((p) => p.lng * k);
  const ys = places.map((p) => -p.lat);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const spanX = Math.max(...xs) - minX || 1e-6;
  const spanY = Math.max(...ys) - minY || 1e-6;
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const offX = (W - spanX * scale) / 2;
  const offY = (H - spanY * scale) / 2;
  return (p) => [offX + (p.lng * k - minX) * scale, offY + (-p.lat - minY) * scale];
}

/** `etas` writes each stop's expected arrival under its name (the driver's view). */
export function routeMap(routes: Route[], depot?: Place & { name?: string }, driverAt?: Place, opts: { etas?: boolean } = {}): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'route-map', role: 'img', 'aria-label': '配送路线图 Route map' });
  const places: Place[] = [...routes.flatMap((r) => r.stops), ...(depot ? [depot] : []), ...(driverAt ? [driverAt] : [])];
  if (!places.length) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, '暂无路线 No route yet'));
    return svg;
  }
  const project = projector(places);
  routes.forEach((route, i) => {
    const stops = [...route.stops].sort((a, b) => a.sequence - b.sequence);
    const path = [...(depot ? [depot] : []), ...stops, ...(depot ? [depot] : [])].map(project);
    const color = ROUTE_COLORS[i % ROUTE_COLORS.length]!;
    // Inline style: the stylesheet's .route stroke would beat a presentation attribute.
    svg.append(el('polyline', { class: 'route', points: path.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '), style: `stroke:${color}`, 'data-route-id': route.id }));
    for (const stop of stops) {
      const [x, y] = project(stop);
      const g = el('g', { class: 'stop', 'data-stop-id': stop.id, 'data-status': stop.status });
      g.append(
        el('circle', { cx: x, cy: y, r: 9, fill: STOP_STATUS[stop.status]?.color ?? '#8a8f98', stroke: color, 'stroke-width': 2.5 }),
        el('text', { x, y: y + 4, 'text-anchor': 'middle', style: 'fill:#fff;stroke:none;font-weight:700' }, String(stop.sequence)),
        el('text', { x: x + 12, y: y - 8 }, stop.pickupPointName),
      );
      if (opts.etas) g.append(el('text', { x: x + 12, y: y + 8, class: 'eta' }, `ETA ${clockTime(stop.etaAtMs || stop.plannedArrivalAtMs)}`));
      svg.append(g);
    }
  });
  if (depot) {
    const [x, y] = project(depot);
    svg.append(el('rect', { x: x - 9, y: y - 9, width: 18, height: 18, rx: 3, fill: '#1d1d1f', class: 'depot' }), el('text', { x: x + 12, y: y + 4 }, depot.name ?? '仓库 Depot'));
  }
  if (driverAt) {
    const [x, y] = project(driverAt);
    svg.append(el('text', { x, y: y + 6, 'text-anchor': 'middle', style: 'font-size:18px', class: 'driver' }, '🚚'));
  }
  return svg;
}

/**
 * Pins on the same tile-free projection: a pickup point (and, when given, where the buyer is),
 * framed with about half a kilometre around them so a lone pin sits in the middle.
 */
export function pinMap(pins: (Place & { label: string; kind: 'point' | 'you' })[]): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'route-map pin-map', role: 'img', 'aria-label': '自提点位置 Pickup point on the map' });
  const margin = 0.005;
  const frame = pins.flatMap((p) => [
    { lat: p.lat - margin, lng: p.lng - margin },
    { lat: p.lat + margin, lng: p.lng + margin },
  ]);
  const project = projector(frame);
  for (const pin of pins) {
    const [x, y] = project(pin);
    const g = el('g', { class: `pin ${pin.kind}`, 'data-kind': pin.kind });
    g.append(
      pin.kind === 'point'
        ? el('path', { d: `M${x},${y} l-14,-26 a16,16 0 1,1 28,0 z`, fill: '#e4393c', stroke: '#fff', 'stroke-width': 3 })
        : el('circle', { cx: x, cy: y, r: 9, fill: '#2b6de0', stroke: '#fff', 'stroke-width': 3 }),
      el('text', { x: x + 20, y: y - 20, style: 'font-size:22px' }, pin.label),
    );
    svg.append(g);
  }
  return svg;
}

export function statusLegend(): HTMLElement {
  const legend = document.createElement('div');
  legend.className = 'legend';
  for (const { label, color } of Object.values(STOP_STATUS)) {
    const item = document.createElement('span');
    const dot = document.createElement('i');
    dot.style.background = color;
    item.append(dot, label);
    legend.append(item);
  }
  return legend;
}
