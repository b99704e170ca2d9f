// Solomon VRPTW benchmark: solves each 100-customer instance (one at a time, one worker thread),
// checks every plan independently and compares it with the best-known hierarchical values.
// Usage: node --import tsx services/fulfillment/bench/vrptw.ts [--json FILE] [--instances c101,r201]
//        [--time-limit-ms 10000] [--seed 1] [--dir DIR] [--inline]
// --time-limit-ms is the wall-clock budget per instance, worker start-up included; --inline solves
// on the main thread instead of in the worker.

import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { solveInWorker } from '../src/adapters/solver-worker.js';
import { solveVrptw } from '../src/domain/vrptw/solve.js';
import type { RoutePlan, VrptwProblem } from '../src/domain/vrptw/problem.js';

interface Row {
  instance: string;
  vehicles: number;
  distance: number;
  seconds: number;
  bksVehicles: number;
  bksDistance: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    instances: { type: 'string' },
    'time-limit-ms': { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    dir: { type: 'string', default: resolve(repoRoot, '../shared/bench/vrptw') },
    inline: { type: 'boolean', default: false },
  },
});

const dir = values.dir;
const timeLimitMs = Number(values['time-limit-ms']);
const seed = Number(values.seed);
if (!Number.isFinite(timeLimitMs) || timeLimitMs <= 0) throw new Error('--time-limit-ms must be a positive number');
if (!Number.isFinite(seed)) throw new Error('--seed must be a number');
if (!existsSync(join(dir, 'solomon'))) throw new Error(`no solomon/ folder under ${dir}`);

function parseSolomon(text: string): VrptwProblem {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const vi = lines.findIndex((l) => l.startsWith('NUMBER'));
  const [fleet, capacity] = (lines[vi + 1] ?? '').split(/\s+/).map(Number);
  const rows = lines
    .filter((l) => /^\d+(\s+-?\d+(\.\d+)?){6}$/.test(l))
    .map((l) => l.split(/\s+/).map(Number));
  const depot = rows[0]!;
  const customers = rows.slice(1);
  const pts = rows.map((r) => [r[1]!, r[2]!] as const);
  const distance = pts.map((a) => pts.map((b) => Math.hypot(a[0] - b[0], a[1] - b[1])));
  return {
    depot: { id: String(depot[0]) },
    stops: customers.map((r) => ({ id: String(r[0]), demand: r[3]!, readyTime: r[4]!, dueTime: r[5]!, serviceTime: r[6]! })),
    vehicles: Array.from({ length: fleet! }, (_, k) => ({ id: `v${k + 1}`, capacity: capacity!, shiftStart: depot[4]!, shiftEnd: depot[5]! })),
    travelTime: distance,
    distance,
  };
}

/** Independent of the solver's own bookkeeping: replays every route from the raw problem. */
function checkPlan(p: VrptwProblem, plan: RoutePlan): string[] {
  const issues: string[] = [];
  const index = new Map(p.stops.map((s, i) => [s.id, i + 1]));
  const seen = new Map<string, number>();
  const usedVehicles = new Set<string>();
  let total = 0;
  for (const route of plan.routes) {
    const v = p.vehicles.find((x) => x.id === route.vehicleId);
    if (!v) { issues.push(`unknown vehicle ${route.vehicleId}`); continue; }
    if (usedVehicles.has(v.id)) issues.push(`vehicle ${v.id} used twice`);
    usedVehicles.add(v.id);
    let t = v.shiftStart;
    let prev = 0;
    let load = 0;
    let dist = 0;
    for (const visit of route.visits) {
      const node = index.get(visit.stopId);
      if (node === undefined) { issues.push(`unknown stop ${visit.stopId}`); continue; }
      seen.set(visit.stopId, (seen.get(visit.stopId) ?? 0) + 1);
      const s = p.stops[node - 1]!;
      const arrival = t + p.travelTime[prev]![node]!;
      const start = Math.max(arrival, s.readyTime);
      if (start > s.dueTime + 1e-6) issues.push(`route ${v.id}: stop ${s.id} starts at ${start.toFixed(2)} after due ${s.dueTime}`);
      load += s.demand;
      dist += p.distance[prev]![node]!;
      t = start + s.serviceTime;
      prev = node;
    }
    const back = t + p.travelTime[prev]![0]!;
    dist += p.distance[prev]![0]!;
    if (back > v.shiftEnd + 1e-6) issues.push(`route ${v.id}: back at ${back.toFixed(2)} after shift end ${v.shiftEnd}`);
    if (load > v.capacity + 1e-9) issues.push(`route ${v.id}: load ${load} exceeds capacity ${v.capacity}`);
    total += dist;
  }
  for (const u of plan.unserved) seen.set(u.stopId, (seen.get(u.stopId) ?? 0) + 1);
  for (const s of p.stops) {
    const k = seen.get(s.id) ?? 0;
    if (k !== 1) issues.push(`stop ${s.id} appears ${k} times`);
  }
  if (Math.abs(total - plan.distance) > 1e-6 * Math.max(1, total)) issues.push(`reported distance ${plan.distance} != recomputed ${total}`);
  if (plan.routes.length !== plan.vehicles) issues.push(`vehicles ${plan.vehicles} != routes ${plan.routes.length}`);
  return issues;
}

const bks = new Map<string, { vehicles: number; distance: number }>();
for (const line of readFileSync(join(dir, 'solomon-bks.csv'), 'utf8').split(/\r?\n/).slice(1)) {
  const [name, veh, dist] = line.split(',');
  if (name && veh && dist) bks.set(name, { vehicles: Number(veh), distance: Number(dist) });
}

const available = readdirSync(join(dir, 'solomon')).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();
const wanted = values.instances ? values.instances.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : available;
for (const w of wanted) if (!available.includes(w)) throw new Error(`unknown instance ${w}`);

const WORKER_STARTUP_MS = 400;
const rows: Row[] = [];
let violations = 0;
for (const name of wanted) {
  const problem = parseSolomon(readFileSync(join(dir, 'solomon', `${name}.txt`), 'utf8'));
  const t = performance.now();
  // The budget is wall time per instance; in a worker, start-up (loading the code) is paid from it.
  const plan = values.inline
    ? solveVrptw(problem, { seed, timeLimitMs })
    : await solveInWorker(problem, { seed, timeLimitMs: Math.max(1, timeLimitMs - WORKER_STARTUP_MS) });
  const seconds = (performance.now() - t) / 1000;
  const issues = checkPlan(problem, plan);
  if (plan.unserved.length > 0) issues.push(`${plan.unserved.length} stops unserved`);
  if (issues.length > 0) {
    violations++;
    console.error(`!!! ${name}: INFEASIBLE PLAN (${issues.length} issues)\n  ${issues.slice(0, 10).join('\n  ')}`);
  }
  const b = bks.get(name) ?? { vehicles: NaN, distance: NaN };
  const row: Row = { instance: name, vehicles: plan.vehicles, distance: plan.distance, seconds, bksVehicles: b.vehicles, bksDistance: b.distance };
  rows.push(row);
  console.log(`${name.padEnd(6)} vehicles ${plan.vehicles} (bks ${b.vehicles})  distance ${plan.distance.toFixed(2)} (bks ${b.distance.toFixed(2)}, gap ${gap(row).toFixed(2)}%)  ${seconds.toFixed(1)} s  iterations ${plan.iterations}`);
}

function gap(r: Row): number {
  return ((r.distance - r.bksDistance) / r.bksDistance) * 100;
}

const header = ['instance', 'vehicles', 'distance', 'seconds', 'bksVehicles', 'bksDistance', 'vehDelta', 'gap%'];
const table = rows.map((r) => [
  r.instance, String(r.vehicles), r.distance.toFixed(2), r.seconds.toFixed(1), String(r.bksVehicles), r.bksDistance.toFixed(2),
  (r.vehicles - r.bksVehicles >= 0 ? '+' : '') + String(r.vehicles - r.bksVehicles), gap(r).toFixed(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const fmtRow = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log('');
console.log(fmtRow(header));
for (const row of table) console.log(fmtRow(row));
const meanGap = rows.reduce((s, r) => s + gap(r), 0) / Math.max(1, rows.length);
const vehicles = rows.reduce((s, r) => s + r.vehicles, 0);
const bksVehicles = rows.reduce((s, r) => s + r.bksVehicles, 0);
const within = rows.filter((r) => r.vehicles <= r.bksVehicles + 1).length;
const slowest = Math.max(...rows.map((r) => r.seconds));
const atBks = rows.filter((r) => r.vehicles <= r.bksVehicles).length;
console.log('');
console.log(`mean gap ${meanGap.toFixed(2)}%  vehicles ${vehicles} vs BKS ${bksVehicles}  within BKS+1: ${within}/${rows.length}  at BKS: ${atBks}/${rows.length}  mean time ${(rows.reduce((s, r) => s + r.seconds, 0) / Math.max(1, rows.length)).toFixed(1)} s, slowest ${slowest.toFixed(1)} s`);
if (violations > 0) console.error(`!!! ${violations} instance(s) returned an infeasible or incomplete plan`);
else console.log(`all ${rows.length} plans passed the independent feasibility check`);

if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2) + '\n');
if (violations > 0) process.exitCode = 1;
