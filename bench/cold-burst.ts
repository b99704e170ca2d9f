// The cold burst for `npm run bench`: a flash sale the way it happens. From the first request,
// with no warm-up, `buyers` distinct buyers who never ordered arrive at a fixed offered rate (open
// model: each is sent on its schedule whether or not earlier ones answered) on a fresh pool; every
// winner pays at once, except a share who cancel (their units go back on sale). Latency is counted
// from each request's scheduled send time, so a load generator that falls behind cannot hide a
// slow answer. CPU is read per thread in nanoseconds (process-cpu.ts), the same way for every path:
// the path's own processes, its Redis and NATS (the bench's own servers) and the Postgres backends
// its connections use (told apart by application_name), so other work on a shared machine is not
// charged to the path.
import pg from 'pg';
import { threadCpuSeconds } from './process-cpu.js';

export interface BurstOptions {
  buyers: number;
  /** Attempts offered per second. */
  rate: number;
  /** Every `bigEvery`-th buyer asks for 2 units (the rest for 1). */
  bigEvery: number;
  /** Share of winners who cancel instead of paying. */
  cancelShare: number;
}

export interface BurstAttempt {
  i: number;
  buyer: number;
  qty: number;
  key: string;
  /** Whether this buyer cancels if they win (deterministic, so every path sees the same buyers do it). */
  cancels: boolean;
}

export interface Placed {
  orderId: string;
  holdId?: string;
}

/** One path under the burst: how a buyer places, pays and cancels, and where the pool's truth is. */
export interface BurstTarget {
  place(a: BurstAttempt): Promise<{ outcome: string; placed?: Placed }>;
  pay(a: BurstAttempt, placed: Placed): Promise<string>;
  cancel(a: BurstAttempt, placed: Placed): Promise<string>;
  /** The pool's counters and its orders, from the systems of record. */
  counts(): Promise<PoolCounts>;
  /** The processes doing the path's work, by label. */
  pids: Record<string, number | undefined>;
  /** application_name prefixes of the path's Postgres connections. */
  pgApps: string[];
}

export interface PoolCounts {
  quantity: number;
  held: number;
  sold: number;
  /** Units in orders that are paid (must equal `sold` once settled). */
  paidUnits: number;
  /** Units in orders awaiting payment (must equal `held`). */
  pendingUnits: number;
}

interface Sample {
  second: number;
  kind: 'place' | 'pay' | 'cancel';
  ms: number;
  outcome: string;
}

export interface BurstResult {
  samples: Sample[];
  placed: number;
  /** ms from the first scheduled send to the last answer that placed an order. */
  lastPlacedAtMs: number;
  /** ms from the first scheduled send until every request was answered and the pool held nothing (Infinity: not within SETTLE_WAIT_MS). */
  settledAtMs: number;
  counts: PoolCounts;
  cpu: Record<string, number>;
}

export function burstPlan(opts: BurstOptions, runId: string): BurstAttempt[] {
  return Array.from({ length: opts.buyers }, (_, i) => ({
    i,
    buyer: i,
    qty: (i + 1) % opts.bigEvery === 0 ? 2 : 1,
    key: `${runId}-${i}`,
    // Spread evenly: buyer i cancels when its share crosses a whole number.
    cancels: Math.floor((i + 1) * opts.cancelShare) > Math.floor(i * opts.cancelShare),
  }));
}

/**
 * CPU seconds of a path's processes between `start()` and `stop()`. Postgres backends are found
 * by application_name every 100 ms (a pool opens connections during the burst); a backend first
 * seen after the start counts from zero, since all its work happened within the window. Backends
 * are summed per application_name (less its path prefix), so the row shows whose statements
 * Postgres spent its time on.
 */
export function cpuMeter(db: pg.Pool, pids: Record<string, number | undefined>, pgApps: string[]) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const appOf = new Map<number, string>();
  let started = false;
  const sampleBackends = async () => {
    const { rows } = await db.query<{ pid: number; application_name: string }>(`SELECT pid, application_name FROM pg_stat_activity WHERE application_name LIKE ANY($1::text[])`, [
      pgApps.map((a) => `${a}%`),
    ]);
    for (const { pid, application_name: app } of rows) {
      const c = threadCpuSeconds(pid);
      if (c === undefined) continue;
      if (!first.has(pid)) first.set(pid, started ? 0 : c);
      last.set(pid, c);
      const prefix = pgApps.find((a) => app.startsWith(a)) ?? '';
      appOf.set(pid, app.slice(prefix.length));
    }
  };
  const own = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid ? (threadCpuSeconds(pid) ?? 0) : 0]));
  let before: Record<string, number> = {};
  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> = Promise.resolve();
  return {
    async start() {
      await sampleBackends();
      started = true;
      before = own();
      timer = setInterval(() => {
        sampling = sampling.then(sampleBackends).catch(() => undefined);
      }, 100);
    },
    async stop(): Promise<Record<string, number>> {
      const after = own();
      clearInterval(timer);
      await sampling;
      await sampleBackends();
      const out: Record<string, number> = {};
      for (const [k, v] of Object.entries(after)) out[k] = v - (before[k] ?? 0);
      for (const [pid, c] of last) {
        const label = appOf.get(pid) ? `postgres (${appOf.get(pid)})` : 'postgres';
        out[label] = (out[label] ?? 0) + c - (first.get(pid) ?? c);
      }
      return out;
    },
  };
}

/** How long after the last answer the pool may take to settle before the row says it did not. */
const SETTLE_WAIT_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBurst(target: BurstTarget, plan: BurstAttempt[], rate: number, db: pg.Pool): Promise<BurstResult> {
  const samples: Sample[] = [];
  let placed = 0;
  let lastPlacedAtMs = 0;
  const meter = cpuMeter(db, target.pids, target.pgApps);
  await meter.start();
  const t0 = performance.now();
  const timed = async (kind: Sample['kind'], scheduledAt: number, second: number, work: () => Promise<string>) => {
    const outcome = await work().catch((e: Error) => `error:${e.message.slice(0, 40)}`);
    samples.push({ second, kind, ms: performance.now() - scheduledAt, outcome });
    return outcome;
  };
  const buyer = async (a: BurstAttempt, scheduledAt: number) => {
    const second = Math.floor((scheduledAt - t0) / 1000) + 1;
    let won: Placed | undefined;
    await timed('place', scheduledAt, second, async () => {
      const r = await target.place(a);
      won = r.placed;
      return r.outcome;
    });
    if (!won) return;
    placed++;
    lastPlacedAtMs = Math.max(lastPlacedAtMs, performance.now() - t0);
    // The winner pays (or cancels) at once, as a buyer with the pay sheet open does.
    const next = performance.now();
    await timed(a.cancels ? 'cancel' : 'pay', next, Math.floor((next - t0) / 1000) + 1, () => (a.cancels ? target.cancel(a, won!) : target.pay(a, won!)));
  };
  const inFlight: Promise<void>[] = [];
  for (const a of plan) {
    const scheduledAt = t0 + (a.i * 1000) / rate;
    const wait = scheduledAt - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(buyer(a, scheduledAt));
  }
  await Promise.all(inFlight);
  // Settled: the pool holds nothing any more (every winner's hold became sold or went back).
  let counts = await target.counts();
  const giveUpAt = performance.now() + SETTLE_WAIT_MS;
  while (counts.held > 0 && performance.now() < giveUpAt) {
    await sleep(25);
    counts = await target.counts();
  }
  const settledAtMs = counts.held > 0 ? Infinity : performance.now() - t0;
  return { samples, placed, lastPlacedAtMs, settledAtMs, counts, cpu: await meter.stop() };
}

export function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/** Rows per second of the sale (by scheduled send) for placing, and for paying/cancelling. */
export function perSecondRows(path: string, r: BurstResult) {
  const rows: Record<string, string | number>[] = [];
  const seconds = [...new Set(r.samples.map((s) => s.second))].sort((a, b) => a - b);
  for (const second of seconds) {
    const place = r.samples.filter((s) => s.second === second && s.kind === 'place');
    const settle = r.samples.filter((s) => s.second === second && s.kind !== 'place');
    const p = percentiles(place.map((s) => s.ms));
    const q = percentiles(settle.map((s) => s.ms));
    const outcomes: Record<string, number> = {};
    for (const s of [...place, ...settle]) outcomes[`${s.kind}:${s.outcome}`] = (outcomes[`${s.kind}:${s.outcome}`] ?? 0) + 1;
    rows.push({
      path,
      second,
      taps: p.n,
      'p50 ms': p.p50.toFixed(1),
      'p95 ms': p.p95.toFixed(1),
      'p99 ms': p.p99.toFixed(1),
      'max ms': p.max.toFixed(1),
      'pay/cancel n': q.n,
      'pay/cancel p99 ms': q.n ? q.p99.toFixed(1) : '',
      'pay/cancel max ms': q.n ? q.max.toFixed(1) : '',
      outcomes: Object.entries(outcomes).map(([k, v]) => `${k}:${v}`).join(' '),
    });
  }
  return rows;
}

/** The pool's truth, judged: no oversell, every unit sold is a paid order's, every held one a pending order's. */
export function countsVerdict(c: PoolCounts): string {
  const problems: string[] = [];
  if (c.held + c.sold > c.quantity) problems.push(`OVERSOLD ${c.held + c.sold} > ${c.quantity}`);
  if (c.paidUnits !== c.sold) problems.push(`paid units ${c.paidUnits} ≠ sold ${c.sold}`);
  if (c.pendingUnits !== c.held) problems.push(`pending units ${c.pendingUnits} ≠ held ${c.held}`);
  return problems.length ? problems.join('; ') : `ok (sold ${c.sold}, held ${c.held} of ${c.quantity})`;
}
