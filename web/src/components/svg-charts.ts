// Charts drawn as inline SVG (no chart library or CDN): a line of values over days and a bar
// per labelled value. Sized by viewBox, so they scale to a phone's width.
import { svgEl as svg } from '../dom.js';

/** A line over `points` (oldest first), labelled at the first, middle and last point. */
export function lineChart(points: { label: string; value: number }[], format: (v: number) => string, title: string): SVGSVGElement {
  const W = 320, H = 160, left = 8, right = 8, top = 20, bottom = 24;
  const peak = Math.max(0, ...points.map((p) => p.value));
  // Scaled to at least 1 so a line of zeros sits on the axis; labelled with the real peak.
  const max = Math.max(1, peak);
  const x = (i: number) => left + (i * (W - left - right)) / Math.max(1, points.length - 1);
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart line-chart' });
  root.append(svg('title', {}, title));
  root.append(svg('line', { x1: left, x2: W - right, y1: y(0), y2: y(0), class: 'axis' }));
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  root.append(svg('path', { d: `${path} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0)},${y(0)} Z`, class: 'area' }));
  root.append(svg('path', { d: path, class: 'line' }));
  points.forEach((p, i) => root.append(svg('circle', { cx: x(i).toFixed(1), cy: y(p.value).toFixed(1), r: 2, class: 'dot', 'data-date': p.label, 'data-value': p.value })));
  root.append(svg('text', { x: left, y: 12, class: 'peak' }, format(peak)));
  for (const i of [0, Math.floor((points.length - 1) / 2), points.length - 1]) {
    if (points[i]) root.append(svg('text', { x: x(i), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle' }, points[i].label.slice(5)));
  }
  return root;
}

/** Horizontal bars, longest first as given, each with its label and value. */
export function barChart(bars: { label: string; value: number; key: string }[], format: (v: number) => string, title: string): SVGSVGElement {
  const W = 320, row = 34, H = Math.max(row, bars.length * row);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title, class: 'chart bar-chart' });
  root.append(svg('title', {}, title));
  bars.forEach((b, i) => {
    const y = i * row;
    root.append(svg('text', { x: 0, y: y + 11, class: 'bar-label' }, b.label));
    root.append(svg('rect', { x: 0, y: y + 15, height: 12, rx: 3, width: Math.max(2, ((W - 60) * b.value) / max).toFixed(1), class: 'bar', 'data-key': b.key, 'data-value': b.value }));
    root.append(svg('text', { x: W, y: y + 25, 'text-anchor': 'end', class: 'bar-value' }, format(b.value)));
  });
  return root;
}
