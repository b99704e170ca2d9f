// Tests of the benchmark's own scoring: the independent checker must reject infeasible or
// mis-scored plans, the summary must take the distance gap only where the vehicle count equals
// the best-known, and the CLI must write routes files that re-score to what it printed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkRoutes, checkRoutesFile } from '../bench/vrptw-check.js';
import type { RoutesFile } from '../bench/vrptw-check.js';
import { defaultTimeLimitMs, loadInstance, parseInstance, selectInstances } from '../bench/vrptw-instances.js';
import type { Instance } from '../bench/vrptw-instances.js';
import { summarize } from '../bench/vrptw-report.js';
import type { BenchRow } from '../bench/vrptw-report.js';

const here = dirname(fileURLToPath(import.meta.url));
const benchDir = resolve(here, '../../../../shared/bench/vrptw');
const hasBench = existsSync(join(benchDir, 'solomon'));

/** Depot at (0,0), customers on the x axis at 3, 4 (tight window) and (0,5). */
const tiny: Instance = parseInstance('tiny', [
  'TINY', '', 'VEHICLE', 'NUMBER     CAPACITY', '  2         10', '', 'CUSTOMER',
  'CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME', '',
  '    0      0   0   0    0  100   0',
  '    1      3   0   4    0   50   1',
  '    2      4   0   4    0    5   1',
  '    3      0   5   6    0   50   2',
].join('\r\n'));

function row(instance: string, vehicles: number, distance: number, bksVehicles: number, bksDistance: number): BenchRow {
  return {
    instance, customers: 100, vehicles, distance, bksVehicles, bksDistance, seconds: 1, solverSeconds: 1,
    timeLimitMs: 10_000, iterations: 10, peakRssMb: 100, feasible: true,
  };
}

describe('bench checker', () => {
  it('accepts a feasible plan and scores it from the coordinates', () => {
    const r = checkRoutes(tiny, [[2, 1], [3]]);
    assert.deepEqual(r.issues, []);
    assert.equal(r.vehicles, 2);
    assert.equal(r.distance, 4 + 1 + 3 + 10);
  });

  it('catches a customer served after its due time', () => {
    // Via customer 3 first, customer 2 (due 5) is reached at 5 + 2 + √41 ≈ 13.4.
    const r = checkRoutes(tiny, [[3, 2], [1]]);
    assert.ok(r.issues.some((i) => /customer 2 served at .* due 5/.test(i)), r.issues.join('; '));
  });

  it('catches a load over capacity, a missing and a repeated customer, and too many routes', () => {
    assert.ok(checkRoutes(tiny, [[1, 2, 3]]).issues.some((i) => /load 14 over capacity 10/.test(i)));
    assert.ok(checkRoutes(tiny, [[2, 1]]).issues.some((i) => /customer 3 visited 0 times/.test(i)));
    assert.ok(checkRoutes(tiny, [[2, 1], [3, 1]]).issues.some((i) => /customer 1 visited 2 times/.test(i)));
    assert.ok(checkRoutes(tiny, [[2], [1], [3]]).issues.some((i) => /3 routes but the fleet has 2/.test(i)));
    assert.ok(checkRoutes(tiny, [[2, 1], [3], []]).issues.some((i) => /route 2 is empty/.test(i)));
    assert.ok(checkRoutes(tiny, [[2, 1], [3, 9]]).issues.some((i) => /9 is not a customer/.test(i)));
  });

  it('catches a route that comes back after the horizon', () => {
    const late = parseInstance('late', tinyText(60));
    assert.ok(checkRoutes(late, [[2, 1], [3]]).issues.length === 0);
    // Route [3] is back at 5 + 2 + 5 = 12.
    const short = parseInstance('short', tinyText(11));
    assert.ok(checkRoutes(short, [[2, 1], [3]]).issues.some((i) => /route 1: back at the depot at 12\.000, horizon 11/.test(i)));
  });

  it('rejects a routes file whose distance or vehicle count does not add up', () => {
    const file: RoutesFile = { instance: 'tiny', set: 'test', seed: 1, timeLimitMs: 1, vehicles: 2, distance: 18, routes: [[2, 1], [3]] };
    assert.deepEqual(checkRoutesFile(tiny, file).issues, []);
    assert.ok(checkRoutesFile(tiny, { ...file, distance: 17.9 }).issues.some((i) => /claims distance 17\.9/.test(i)));
    assert.ok(checkRoutesFile(tiny, { ...file, vehicles: 1 }).issues.some((i) => /claims 1 vehicles, routes use 2/.test(i)));
  });

  it('re-scores the published best-known r101 solution to its value', { skip: !hasBench }, () => {
    // SINTEF's best-known r101 (19 vehicles, 1650.80) from Solomon's own site (solution 2001).
    const r101 = loadInstance(benchDir, 'solomon', 'r101');
    const routes = [
      [2, 21, 73, 41, 56, 4], [5, 83, 61, 85, 37, 93], [14, 44, 38, 43, 13], [27, 69, 76, 79, 3, 54, 24, 80],
      [28, 12, 40, 53, 26], [30, 51, 9, 66, 1], [31, 88, 7, 10], [33, 29, 78, 34, 35, 77], [36, 47, 19, 8, 46, 17],
      [39, 23, 67, 55, 25], [45, 82, 18, 84, 60, 89], [52, 6], [59, 99, 94, 96], [62, 11, 90, 20, 32, 70],
      [63, 64, 49, 48], [65, 71, 81, 50, 68], [72, 75, 22, 74, 58], [92, 42, 15, 87, 57, 97], [95, 98, 16, 86, 91, 100],
    ];
    const r = checkRoutes(r101, routes);
    assert.deepEqual(r.issues, []);
    assert.equal(r.vehicles, 19);
    assert.equal(r.distance.toFixed(2), '1650.80');
  });
});

function tinyText(horizon: number): string {
  return [
    'T', 'VEHICLE', 'NUMBER     CAPACITY', '  2         10', 'CUSTOMER',
    `    0      0   0   0    0  ${horizon}   0`,
    '    1      3   0   4    0   50   1',
    '    2      4   0   4    0    5   1',
    '    3      0   5   6    0   50   2',
  ].join('\n');
}

describe('bench summary', () => {
  it('takes the distance gap only over instances at the best-known vehicle count', () => {
    const s = summarize([
      row('a', 10, 1010, 10, 1000), // +1.0%
      row('b', 11, 900, 10, 1000), // one vehicle over, shorter: must not enter the gap
      row('c', 9, 1030, 9, 1000), // +3.0%
    ]);
    assert.equal(s.cnv, 30);
    assert.equal(s.bksCnv, 29);
    assert.equal(s.ctd, 2940);
    assert.equal(s.atBksVehicles, 2);
    assert.deepEqual(s.overBks, [{ instance: 'b', extra: 1 }]);
    assert.ok(Math.abs(s.meanGapAtBksPct - 2) < 1e-9, String(s.meanGapAtBksPct));
    assert.ok(Math.abs(s.maxGapAtBksPct - 3) < 1e-9);
  });

  it('has no gap when no instance reaches the best-known vehicle count, and counts failed checks', () => {
    const s = summarize([{ ...row('a', 11, 900, 10, 1000), feasible: false }]);
    assert.ok(Number.isNaN(s.meanGapAtBksPct));
    assert.equal(s.infeasible, 1);
  });
});

describe('bench options', () => {
  it('selects instances by prefix and limit, and gives the budget by size', () => {
    const all = ['c101', 'r101', 'r102', 'r201', 'rc101', 'rc202'];
    assert.deepEqual(selectInstances(all, 'r1,rc202', undefined), ['r101', 'r102', 'rc202']);
    assert.deepEqual(selectInstances(all, undefined, 2), ['c101', 'r101']);
    assert.throws(() => selectInstances(all, 'x9', undefined), /no instance matches --only x9/);
    assert.deepEqual([100, 200, 400, 1000].map(defaultTimeLimitMs), [10_000, 20_000, 40_000, 60_000]);
  });

  it('the CLI writes routes files that re-score to the printed figures', { skip: !hasBench, timeout: 60_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'vrptw-routes-'));
    const script = resolve(here, '../bench/vrptw.ts');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import', 'tsx', script, '--only', 'c101,rc202', '--time-limit-ms', '1500', '--max-iterations', '2000', '--routes', out, '--json', join(out, 'run.json'),
    ], { cwd: resolve(here, '../../..') });
    assert.match(stdout, /all 2 plans passed the independent check/);
    assert.deepEqual(readdirSync(out).sort(), ['c101.json', 'rc202.json', 'run.json']);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { rows: BenchRow[] };
    for (const name of ['c101', 'rc202']) {
      const file = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as RoutesFile;
      const r = checkRoutesFile(loadInstance(benchDir, 'solomon', name), file);
      assert.deepEqual(r.issues, []);
      const printed = run.rows.find((x) => x.instance === name)!;
      assert.equal(r.vehicles, printed.vehicles);
      assert.ok(Math.abs(r.distance - printed.distance) < 1e-9);
      assert.match(stdout, new RegExp(`${name}\\s+vehicles ${r.vehicles} .*distance ${r.distance.toFixed(2)} `));
    }
  });
});
