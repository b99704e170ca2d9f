// A closed-loop load generator: `concurrency` workers each sending the next request as soon as
// the previous one answers, for `seconds`; reports attempts/s and latency percentiles.
export interface LoadResult {
  attempts: number;
  perSecond: number;
  p50: number;
  p99: number;
  outcomes: Record<string, number>;
}

export async function closedLoop(
  send: (i: number) => Promise<string>,
  opts: { concurrency: number; seconds: number; warmupSeconds?: number },
): Promise<LoadResult> {
  let i = 0;
  const warmEnd = Date.now() + (opts.warmupSeconds ?? 1) * 1000;
  const end = warmEnd + opts.seconds * 1000;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const worker = async () => {
    while (Date.now() < end) {
      const started = performance.now();
      const outcome = await send(i++).catch((e: Error) => `error:${e.message.slice(0, 40)}`);
      if (Date.now() >= warmEnd) {
        latencies.push(performance.now() - started);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { attempts: latencies.length, perSecond: latencies.length / opts.seconds, p50: at(0.5), p99: at(0.99), outcomes };
}
