// Feasibility checker and scorer for benchmark plans, written apart from the solver on purpose:
// it reads only the instance file's coordinates, windows and demands and a list of routes (customer
// numbers as in the file), and recomputes every time, load and distance itself.

import type { Instance } from './vrptw-instances.js';

/** A plan as the routes files store it: each route lists customer numbers, depot excluded. */
export interface RoutesFile {
  instance: string;
  set: string;
  seed: number;
  timeLimitMs: number;
  vehicles: number;
  distance: number;
  routes: number[][];
}

export interface CheckResult {
  vehicles: number;
  distance: number;
  issues: string[];
}

/** Slack for float sums taken in a different order than the solver's. */
const TIME_EPS = 1e-6;

export function checkRoutes(inst: Instance, routes: readonly (readonly number[])[]): CheckResult {
  const issues: string[] = [];
  const nodes = inst.nodes;
  const depot = nodes[0]!;
  const visits = new Uint32Array(nodes.length);
  const leg = (a: number, b: number): number => Math.hypot(nodes[a]!.x - nodes[b]!.x, nodes[a]!.y - nodes[b]!.y);
  let total = 0;
  let used = 0;
  routes.forEach((route, r) => {
    if (route.length === 0) {
      issues.push(`route ${r} is empty`);
      return;
    }
    used++;
    let time = depot.ready;
    let load = 0;
    let prev = 0;
    for (const c of route) {
      if (!Number.isInteger(c) || c < 1 || c >= nodes.length) {
        issues.push(`route ${r}: ${String(c)} is not a customer of ${inst.name}`);
        continue;
      }
      visits[c]!++;
      const node = nodes[c]!;
      const d = leg(prev, c);
      total += d;
      const start = Math.max(time + d, node.ready);
      if (start > node.due + TIME_EPS) issues.push(`route ${r}: customer ${c} served at ${start.toFixed(3)}, due ${node.due}`);
      load += node.demand;
      time = start + node.service;
      prev = c;
    }
    const back = leg(prev, 0);
    total += back;
    if (time + back > depot.due + TIME_EPS) issues.push(`route ${r}: back at the depot at ${(time + back).toFixed(3)}, horizon ${depot.due}`);
    if (load > inst.capacity) issues.push(`route ${r}: load ${load} over capacity ${inst.capacity}`);
  });
  if (used > inst.fleet) issues.push(`${used} routes but the fleet has ${inst.fleet} vehicles`);
  for (let c = 1; c < nodes.length; c++) {
    if (visits[c] !== 1) issues.push(`customer ${c} visited ${visits[c]} times`);
  }
  return { vehicles: used, distance: total, issues };
}

/** Checks the file's routes and that its claimed vehicle count and distance are what they add up to. */
export function checkRoutesFile(inst: Instance, file: RoutesFile): CheckResult {
  const result = checkRoutes(inst, file.routes);
  if (file.instance !== inst.name) result.issues.push(`file is for ${file.instance}, not ${inst.name}`);
  if (file.vehicles !== result.vehicles) result.issues.push(`claims ${file.vehicles} vehicles, routes use ${result.vehicles}`);
  if (!sameDistance(file.distance, result.distance)) {
    result.issues.push(`claims distance ${file.distance}, routes add up to ${result.distance}`);
  }
  return result;
}

export function sameDistance(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
}
