// Worker-thread entry spawned by solver-worker.ts: solves the problem it is given and posts
// progress and the plan back to the parent.

import { parentPort, workerData } from 'node:worker_threads';
import { solveVrptw } from '../domain/vrptw/solve.js';
import type { SolveOptions, SolveProgress } from '../domain/vrptw/problem.js';
import type { SolverWorkerInput, SolverWorkerMessage } from './solver-worker.js';

const port = parentPort;
if (!port) throw new Error('solver-worker-entry must run inside a worker thread');

const input = workerData as SolverWorkerInput;
const post = (msg: SolverWorkerMessage): void => port.postMessage(msg);
const stop = new Int32Array(input.stopFlag);
// The solver's modules are loaded by now (static imports run first): its own clock starts here.
post({ type: 'started' });

try {
  const options: SolveOptions = {
    seed: input.options.seed,
    timeLimitMs: input.options.timeLimitMs,
    ...(input.options.maxIterations !== undefined ? { maxIterations: input.options.maxIterations } : {}),
    ...(input.options.vehicleCost !== undefined ? { vehicleCost: input.options.vehicleCost } : {}),
    shouldStop: () => Atomics.load(stop, 0) === 1,
    ...(input.options.reportProgress ? { onProgress: (progress: SolveProgress) => post({ type: 'progress', progress }) } : {}),
  };
  post({ type: 'result', plan: solveVrptw(input.problem, options) });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'error', message: e.message, name: e.name });
}
