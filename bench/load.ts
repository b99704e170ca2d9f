// Load generators: closed-loop (`concurrency` workers each sending the next request as soon as the
// previous one answers) and open-loop (a fixed offered rate, whatever the answers' latency), for
// `seconds` after a warm-up; both report attempts/s and latency percentiles.
export interface LoadResult {
  attempts: number;
  perSecond: number;
  p50: number;
  p99: number;
  outcomes: Record<string, number>;
}

/** One timed attempt, counted only if it started after the warm-up. */
function recorder(send: (i: number) => Promise<string>, warmupSeconds = 1, seconds: number) {
  const warmEnd = Date.now() + warmupSeconds * 1000;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  return {
    end: warmEnd + seconds * 1000,
    async attempt(i: number) {
      const counted = Date.now() >= warmEnd;
      const started = performance.now();
      const outcome = await send(i).catch((e: Error) => `error:${e.message.slice(0, 40)}`);
      if (!counted) return;
      latencies.push(performance.now() - started);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    },
    result(): LoadResult {
      latencies.sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
      return { attempts: latencies.length, perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), outcomes };
    },
  };
}

export async function closedLoop(
  send: (i: number) => Promise<string>,
  opts: { concurrency: number; seconds: number; warmupSeconds?: number },
): Promise<LoadResult> {
  const run = recorder(send, opts.warmupSeconds, opts.seconds);
  let i = 0;
  const worker = async () => {
    while (Date.now() < run.end) await run.attempt(i++);
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return run.result();
}

/**
 * `rate` attempts a second on a fixed schedule: every path then does the same work per second,
 * so its CPU per attempt compares like with like (under a closed loop a faster path also gets
 * bigger batches).
 */
export async function openLoop(send: (i: number) => Promise<string>, opts: { rate: number; seconds: number; warmupSeconds?: number }): Promise<LoadResult> {
  const run = recorder(send, opts.warmupSeconds, opts.seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; Date.now() < run.end; i++) {
    const wait = started + (i * 1000) / opts.rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(run.attempt(i));
  }
  await Promise.all(inFlight);
  return run.result();
}
