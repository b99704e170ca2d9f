// Runs the VRPTW solver in a worker thread so a long solve never blocks the event loop, and
// kills the worker if loading the solver takes too long or the solve overruns its time limit
// by more than a grace margin (counted from when the solver is loaded).

import { Worker } from 'node:worker_threads';
import type { RoutePlan, SolveOptions, SolveProgress, VrptwProblem } from '../domain/vrptw/problem.js';

export interface WorkerSolveOptions extends SolveOptions {
  /** Extra time allowed past timeLimitMs (plan transfer, the last moves) before the worker is killed. */
  graceMs?: number;
  /**
   * Time the worker may take to load the solver before it starts counting timeLimitMs. Loading
   * is paid once per solve and grows with machine load, so it is not taken from the grace.
   */
  startupMs?: number;
  /** Stops the worker early, e.g. when another pod has taken the plan over; the promise rejects. */
  signal?: AbortSignal;
  /** Ends the search early (a user cancelled, or a caller's deadline): resolves with the best plan so far. */
  finishEarly?: AbortSignal;
}

/** Messages posted by the worker entry; shared with solver-worker-entry.ts. */
export type SolverWorkerMessage =
  | { type: 'started' }
  | { type: 'progress'; progress: SolveProgress }
  | { type: 'result'; plan: RoutePlan }
  | { type: 'error'; message: string; name: string };

export interface SolverWorkerInput {
  problem: VrptwProblem;
  options: { seed: number; timeLimitMs: number; maxIterations?: number; vehicleCost?: number; reportProgress: boolean };
  /** Int32Array(1) over shared memory: set to 1 by the parent to ask the busy solver to finish now. */
  stopFlag: SharedArrayBuffer;
}

export class SolverTimeoutError extends Error {
  constructor(limitMs: number, stage: 'start' | 'finish' = 'finish') {
    super(`VRPTW solver did not ${stage} within ${limitMs} ms and was terminated`);
    this.name = 'SolverTimeoutError';
  }
}

/**
 * Compiled (dist/*.js) the entry beside this file is started directly. Under tsx (this file is .ts)
 * the worker must load TypeScript too: on Node 20 an `--import tsx` execArgv does not reach worker
 * threads' module loader, so a tiny bootstrap registers tsx's loader inside the worker first.
 */
function createWorker(input: SolverWorkerInput): Worker {
  const isSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./solver-worker-entry${isSource ? '.ts' : '.js'}`, import.meta.url);
  const execArgv = withoutTelemetry(process.execArgv);
  if (!isSource) return new Worker(entry, { workerData: input, execArgv });
  let tsxApi = 'tsx/esm/api';
  try {
    tsxApi = import.meta.resolve('tsx/esm/api');
  } catch {
    // Fall back to resolution from the worker's working directory.
  }
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: input, execArgv });
}

/**
 * The process' flags without the telemetry preload: a worker inherits them, and loading the
 * instrumentations there takes seconds of the solve's grace (the solver sends no spans).
 */
export function withoutTelemetry(execArgv: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (['--import', '--require', '-r'].includes(flag) && execArgv[i + 1]?.includes('telemetry-register')) i++;
    else if (!flag.includes('telemetry-register')) kept.push(flag);
  }
  return kept;
}

export function solveInWorker(problem: VrptwProblem, options: WorkerSolveOptions): Promise<RoutePlan> {
  const grace = options.graceMs ?? Math.max(2000, options.timeLimitMs * 0.2);
  const startup = options.startupMs ?? 30_000;
  // The solver never yields to the worker's event loop, so a message could not reach it: it polls shared memory.
  const stopFlag = new SharedArrayBuffer(4);
  const input: SolverWorkerInput = {
    problem,
    options: {
      seed: options.seed,
      timeLimitMs: options.timeLimitMs,
      ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
      ...(options.vehicleCost !== undefined ? { vehicleCost: options.vehicleCost } : {}),
      reportProgress: options.onProgress !== undefined,
    },
    stopFlag,
  };
  return new Promise<RoutePlan>((resolve, reject) => {
    const worker = createWorker(input);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      options.finishEarly?.removeEventListener('abort', finishEarly);
      fn();
      void worker.terminate();
    };
    let timer = setTimeout(() => finish(() => reject(new SolverTimeoutError(startup, 'start'))), startup);
    const abort = () => finish(() => reject(options.signal!.reason instanceof Error ? options.signal!.reason : new Error('VRPTW solve aborted')));
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const finishEarly = (): void => void Atomics.store(new Int32Array(stopFlag), 0, 1);
    if (options.finishEarly?.aborted) finishEarly();
    options.finishEarly?.addEventListener('abort', finishEarly, { once: true });
    worker.on('message', (msg: SolverWorkerMessage) => {
      if (msg.type === 'started') {
        clearTimeout(timer);
        timer = setTimeout(() => finish(() => reject(new SolverTimeoutError(options.timeLimitMs + grace))), options.timeLimitMs + grace);
      } else if (msg.type === 'progress') options.onProgress?.(msg.progress);
      else if (msg.type === 'result') finish(() => resolve(msg.plan));
      else {
        const err = new Error(msg.message);
        err.name = msg.name;
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => {
      finish(() => reject(new Error(`VRPTW solver worker exited with code ${code} before returning a plan`)));
    });
  });
}
