// VRPTW benchmark on the Solomon (100 stops) and Gehring & Homberger (200–1,000 stops) sets.
// Scores hierarchically against the best-known values (vehicles first, then distance), checks
// every plan with a checker that shares no code with the solver, and can write every plan's
// routes so any other checker can re-score them.
//
// Usage: npm run bench:vrptw -- [--set solomon|homberger] [--only r1,rc202] [--limit N]
//          [--time-limit-ms MS] [--max-iterations N] [--seed 7] [--routes DIR] [--json FILE]
//          [--dir DIR] [--inline]
// Without --time-limit-ms the budget depends on size: 10 s for 100 stops, 20 s for 200,
// 40 s for 400, 60 s for 1,000. The solver gets that limit less 400 ms for handing the plan back;
// its clock starts once its code is loaded in the worker. Column `s` is the wall time of the whole
// call (loading included, which under tsx on a busy machine costs a second or more), `solver s`
// the solver's own.
// --max-iterations makes a run reproducible (same seed and count, same plan); the clock stays a cap.
// Peak RSS is the process's high-water mark so far (the worker thread shares the process).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { solveInWorker } from '../src/adapters/solver-worker.js';
import { solveVrptw } from '../src/domain/vrptw/solve.js';
import type { RoutePlan } from '../src/domain/vrptw/problem.js';
import { checkRoutesFile, sameDistance } from './vrptw-check.js';
import type { RoutesFile } from './vrptw-check.js';
import {
  defaultTimeLimitMs, listInstances, loadBestKnown, loadInstance, selectInstances, toProblem,
} from './vrptw-instances.js';
import type { BenchSet } from './vrptw-instances.js';
import { formatSummary, formatTable, gapPct, summarize } from './vrptw-report.js';
import type { BenchRow } from './vrptw-report.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'solomon' },
    only: { type: 'string' },
    instances: { type: 'string' },
    limit: { type: 'string' },
    'time-limit-ms': { type: 'string' },
    'max-iterations': { type: 'string' },
    seed: { type: 'string', default: '7' },
    routes: { type: 'string' },
    json: { type: 'string' },
    dir: { type: 'string', default: resolve(repoRoot, '../shared/bench/vrptw') },
    inline: { type: 'boolean', default: false },
  },
});

const set = values.set as BenchSet;
if (set !== 'solomon' && set !== 'homberger') throw new Error('--set must be solomon or homberger');
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
const fixedLimit = values['time-limit-ms'] === undefined ? undefined : positive('--time-limit-ms', values['time-limit-ms']);
const maxIterations = values['max-iterations'] === undefined ? undefined : positive('--max-iterations', values['max-iterations']);
const limit = values.limit === undefined ? undefined : positive('--limit', values.limit);
const dir = values.dir;
const only = values.only ?? values.instances;

const bks = loadBestKnown(dir, set);
const names = selectInstances(listInstances(dir, set), only, limit);
if (values.routes) mkdirSync(values.routes, { recursive: true });

const WORKER_STARTUP_MS = 400;
const rows: BenchRow[] = [];
for (const name of names) {
  const inst = loadInstance(dir, set, name);
  const best = bks.get(name);
  if (!best) throw new Error(`${name}: no best-known value`);
  const customers = inst.nodes.length - 1;
  const timeLimitMs = fixedLimit ?? defaultTimeLimitMs(customers);
  const problem = toProblem(inst);
  const budget = { seed, ...(maxIterations !== undefined ? { maxIterations } : {}) };
  const t = performance.now();
  const plan = values.inline
    ? solveVrptw(problem, { ...budget, timeLimitMs })
    : await solveInWorker(problem, { ...budget, timeLimitMs: Math.max(1, timeLimitMs - WORKER_STARTUP_MS) });
  const seconds = (performance.now() - t) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const file = toRoutesFile(name, timeLimitMs, plan);
  const issues: string[] = plan.unserved.map((u) => `customer ${u.stopId} unserved: ${u.reason}`);
  let checked = checkRoutesFile(inst, file);
  if (values.routes) {
    // Re-score what was written, not the object in memory, so the file is what is vouched for.
    const path = join(values.routes, `${name}.json`);
    writeFileSync(path, JSON.stringify(file) + '\n');
    checked = checkRoutesFile(inst, JSON.parse(readFileSync(path, 'utf8')) as RoutesFile);
  }
  issues.push(...checked.issues);
  if (!sameDistance(plan.distance, checked.distance)) issues.push(`solver says ${plan.distance}, checker ${checked.distance}`);
  if (issues.length > 0) console.error(`!!! ${name}: ${issues.length} issue(s)\n  ${issues.slice(0, 10).join('\n  ')}`);

  const row: BenchRow = {
    instance: name, customers, vehicles: checked.vehicles, distance: checked.distance,
    bksVehicles: best.vehicles, bksDistance: best.distance, seconds, solverSeconds: plan.elapsedMs / 1000, timeLimitMs,
    iterations: plan.iterations, peakRssMb, feasible: issues.length === 0,
  };
  rows.push(row);
  const gap = row.vehicles === row.bksVehicles ? `gap ${gapPct(row).toFixed(2)}%` : `${signedInt(row.vehicles - row.bksVehicles)} vehicle(s), no gap`;
  console.log(`${name.padEnd(8)} vehicles ${row.vehicles} (bks ${row.bksVehicles})  distance ${row.distance.toFixed(2)} (bks ${row.bksDistance.toFixed(2)}, ${gap})  ${seconds.toFixed(1)} s  iterations ${plan.iterations}  rss ${peakRssMb.toFixed(0)} MB  ${row.feasible ? 'ok' : 'FAIL'}`);
}

const summary = summarize(rows);
console.log(`\n${set}, seed ${seed}${maxIterations !== undefined ? `, ${maxIterations} iterations` : ''}`);
console.log(formatTable(rows));
console.log('');
console.log(formatSummary(summary));
if (values.json) writeFileSync(values.json, JSON.stringify({ set, seed, rows, summary }, null, 2) + '\n');
if (summary.infeasible > 0) process.exitCode = 1;

function toRoutesFile(name: string, timeLimitMs: number, plan: RoutePlan): RoutesFile {
  return {
    instance: name, set, seed, timeLimitMs, vehicles: plan.vehicles, distance: plan.distance,
    routes: plan.routes.map((r) => r.visits.map((v) => Number(v.stopId))),
  };
}

function positive(flag: string, raw: string): number {
  const x = Number(raw);
  if (!Number.isInteger(x) || x <= 0) throw new Error(`${flag} must be a positive integer`);
  return x;
}

function signedInt(x: number): string {
  return (x >= 0 ? '+' : '') + String(x);
}
