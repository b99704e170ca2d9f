// Solomon-format instance files (Solomon 100-stop and Gehring & Homberger sets) and their
// best-known hierarchical values, read from the shared bench folder.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VrptwProblem } from '../src/domain/vrptw/problem.js';

export interface InstanceNode {
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

/** The file as written: node 0 is the depot, its window is the planning horizon. */
export interface Instance {
  name: string;
  fleet: number;
  capacity: number;
  nodes: InstanceNode[];
}

export interface BestKnown {
  vehicles: number;
  distance: number;
}

export type BenchSet = 'solomon' | 'homberger';

const NODE_ROW = /^\d+(\s+-?\d+(\.\d+)?){6}$/;

export function parseInstance(name: string, text: string): Instance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const head = lines.findIndex((l) => l.startsWith('NUMBER'));
  if (head < 0) throw new Error(`${name}: no NUMBER/CAPACITY header`);
  const [fleet, capacity] = (lines[head + 1] ?? '').split(/\s+/).map(Number);
  if (!Number.isFinite(fleet) || !Number.isFinite(capacity)) throw new Error(`${name}: bad NUMBER/CAPACITY line`);
  const nodes = lines.filter((l) => NODE_ROW.test(l)).map((l) => {
    const [id, x, y, demand, ready, due, service] = l.split(/\s+/).map(Number) as [number, number, number, number, number, number, number];
    return { id, x, y, demand, ready, due, service };
  });
  nodes.forEach((node, i) => {
    if (node.id !== i) throw new Error(`${name}: node row ${i} has id ${node.id}`);
  });
  return { name, fleet: fleet!, capacity: capacity!, nodes };
}

/** Euclidean, unrounded; travel time equals distance, as the sets' rules say. */
export function toProblem(inst: Instance): VrptwProblem {
  const pts = inst.nodes;
  const distance = pts.map((a) => pts.map((b) => Math.hypot(a.x - b.x, a.y - b.y)));
  const depot = pts[0]!;
  return {
    depot: { id: String(depot.id) },
    stops: pts.slice(1).map((c) => ({ id: String(c.id), demand: c.demand, readyTime: c.ready, dueTime: c.due, serviceTime: c.service })),
    vehicles: Array.from({ length: inst.fleet }, (_, k) => ({ id: `v${k + 1}`, capacity: inst.capacity, shiftStart: depot.ready, shiftEnd: depot.due })),
    travelTime: distance,
    distance,
  };
}

export function instanceDir(dir: string, set: BenchSet): string {
  return join(dir, set);
}

export function listInstances(dir: string, set: BenchSet): string[] {
  const folder = instanceDir(dir, set);
  if (!existsSync(folder)) throw new Error(`no ${set}/ folder under ${dir}`);
  return readdirSync(folder).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort(bySizeThenName);
}

/** Customers count from Homberger names (r1_10_1 → 1000); Solomon names are all 100. */
export function nominalSize(name: string): number {
  const m = /^[a-z]+\d_(\d+)_\d+$/.exec(name);
  return m ? Number(m[1]) * 100 : 100;
}

function bySizeThenName(a: string, b: string): number {
  return nominalSize(a) - nominalSize(b) || a.localeCompare(b);
}

export function loadInstance(dir: string, set: BenchSet, name: string): Instance {
  return parseInstance(name, readFileSync(join(instanceDir(dir, set), `${name}.txt`), 'utf8'));
}

/** Hierarchical best-known values (fewest vehicles, then distance). */
export function loadBestKnown(dir: string, set: BenchSet): Map<string, BestKnown> {
  const file = join(dir, set === 'solomon' ? 'solomon-bks.csv' : 'homberger-bks.csv');
  const out = new Map<string, BestKnown>();
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/).slice(1)) {
    const [name, veh, dist] = line.split(',');
    if (name && veh && dist) out.set(name.trim().toLowerCase(), { vehicles: Number(veh), distance: Number(dist) });
  }
  return out;
}

/**
 * `--only r1,c2,rc202`: a name matches a filter that is the whole name or a prefix of it, so
 * `r1` takes r101–r112 (and r1_2_1 in the Homberger set), `rc202` just that instance.
 */
export function selectInstances(available: string[], only: string | undefined, limit: number | undefined): string[] {
  const filters = only ? only.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) : [];
  for (const f of filters) if (!available.some((a) => a.startsWith(f))) throw new Error(`no instance matches --only ${f}`);
  const chosen = filters.length === 0 ? available : available.filter((a) => filters.some((f) => a.startsWith(f)));
  return limit === undefined ? chosen : chosen.slice(0, limit);
}

/** Default wall-clock budget per instance by customer count: 10 s per 100 up to 1,000 in 60 s. */
export function defaultTimeLimitMs(customers: number): number {
  if (customers <= 100) return 10_000;
  if (customers <= 200) return 20_000;
  if (customers <= 400) return 40_000;
  return 60_000;
}
