// Tests of the worker-thread wrapper around the VRPTW solver: result, progress forwarding,
// errors crossing the thread boundary, and termination when the time limit is overrun.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { solveInWorker, SolverTimeoutError, withoutTelemetry } from '../src/adapters/solver-worker.js';
import type { VrptwProblem } from '../src/domain/vrptw/index.js';

function line(n: number): VrptwProblem {
  const pts = Array.from({ length: n + 1 }, (_, i) => i * 5);
  const m = pts.map((a) => pts.map((b) => Math.abs(a - b)));
  return {
    depot: { id: 'depot' },
    stops: Array.from({ length: n }, (_, i) => ({ id: `s${i + 1}`, demand: 1, serviceTime: 1, readyTime: 0, dueTime: 500 })),
    vehicles: [{ id: 'van-1', capacity: 3, shiftStart: 0, shiftEnd: 500 }, { id: 'van-2', capacity: 3, shiftStart: 0, shiftEnd: 500 }],
    travelTime: m,
    distance: m,
  };
}

describe('solveInWorker', () => {
  it('solves in a worker thread and forwards progress', async () => {
    const phases: string[] = [];
    const plan = await solveInWorker(line(6), { seed: 1, timeLimitMs: 500, maxIterations: 300, onProgress: (p) => phases.push(p.phase) });
    assert.equal(plan.vehicles, 2);
    assert.equal(plan.unserved.length, 0);
    assert.equal(plan.routes.flatMap((r) => r.visits).length, 6);
    assert.ok(phases.includes('done'), `phases: ${phases.join(',')}`);
  });

  it('rejects with the solver error when the input is invalid', async () => {
    const p = line(2);
    p.vehicles[0]!.capacity = -5;
    await assert.rejects(solveInWorker(p, { seed: 1, timeLimitMs: 500 }), (err: Error) => err.name === 'InvalidProblemError' && /capacity -5/.test(err.message));
  });

  it('terminates the worker when it overruns the limit plus grace', async () => {
    // Building the model of 1,500 stops (neighbour lists) alone takes far longer than 1 ms.
    const started = Date.now();
    await assert.rejects(solveInWorker(line(1500), { seed: 1, timeLimitMs: 1, graceMs: 0 }), /did not finish within 1 ms/);
    assert.ok(Date.now() - started < 20_000);
  });

  it('terminates the worker when loading the solver overruns its start-up allowance', async () => {
    await assert.rejects(solveInWorker(line(6), { seed: 1, timeLimitMs: 1000, startupMs: 1 }), (e: Error) => e instanceof SolverTimeoutError && /did not start within 1 ms/.test(e.message));
  });

  it('does not count loading the solver against the limit (a busy machine loads slowly)', async () => {
    // A short limit with no grace still succeeds: the clock starts once the solver is loaded.
    const plan = await solveInWorker(line(6), { seed: 1, timeLimitMs: 400, graceMs: 300 });
    assert.equal(plan.routes.flatMap((r) => r.visits).length, 6);
  });

  it('starts the worker without the telemetry preload, which alone costs seconds of the grace', () => {
    const argv = ['--import', '@lc/kit/telemetry-register', '--enable-source-maps', '--import=@lc/kit/telemetry-register', '--import', 'tsx', '-r', '/x/telemetry-register.cjs'];
    assert.deepEqual(withoutTelemetry(argv), ['--enable-source-maps', '--import', 'tsx']);
  });

  it('aborts the solve when asked (the plan was taken over by another pod)', async () => {
    const lost = new AbortController();
    const solving = solveInWorker(line(6), { seed: 1, timeLimitMs: 30_000, signal: lost.signal });
    setTimeout(() => lost.abort(new Error('lease lost')), 300);
    const started = Date.now();
    await assert.rejects(solving, /lease lost/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('finishes early with the best plan so far when asked to (anytime), long before its limit', async () => {
    const enough = new AbortController();
    const progress: number[] = [];
    const solving = solveInWorker(line(6), { seed: 1, timeLimitMs: 30_000, finishEarly: enough.signal, onProgress: (p) => progress.push(p.vehicles) });
    setTimeout(() => enough.abort(), 800);
    const started = Date.now();
    const plan = await solving;
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.ok(plan.elapsedMs < 10_000, `solver ran ${plan.elapsedMs} ms`);
    assert.equal(plan.unserved.length, 0);
    assert.equal(plan.routes.flatMap((r) => r.visits).length, 6);
    assert.equal(plan.vehicles, 2);
    assert.ok(progress.length > 0);
  });

  it('passes the per-kilometre weighting through to the solver', async () => {
    const p = riverProblem();
    const hierarchical = await solveInWorker(p, { seed: 1, timeLimitMs: 2000, maxIterations: 300 });
    const perKm = await solveInWorker(p, { seed: 1, timeLimitMs: 2000, maxIterations: 300, vehicleCost: 50 });
    assert.equal(hierarchical.vehicles, 1);
    assert.equal(perKm.vehicles, 2);
  });
});

/** Two stops 10 from the depot but 100 from each other (a river between them): one van drives 120, two drive 40. */
function riverProblem(): VrptwProblem {
  const m = [[0, 10, 10], [10, 0, 100], [10, 100, 0]];
  return {
    depot: { id: 'depot' },
    stops: [{ id: 'a', demand: 1, serviceTime: 0, readyTime: 0, dueTime: 1000 }, { id: 'b', demand: 1, serviceTime: 0, readyTime: 0, dueTime: 1000 }],
    vehicles: [{ id: 'van-1', capacity: 5, shiftStart: 0, shiftEnd: 1000 }, { id: 'van-2', capacity: 5, shiftStart: 0, shiftEnd: 1000 }],
    travelTime: m,
    distance: m,
  };
}
