// CPU seconds used by the processes of a benchmark run (Linux /proc), so each row can say where
// the machine's cores went: the services by pid, Postgres and Redis by their process names.
//
// Time is read from each thread's /proc/<pid>/task/<tid>/schedstat (first field: nanoseconds on a
// CPU), not from the utime/stime ticks of /proc/<pid>/stat: those are sampled every 10 ms, so a
// process doing many sub-tick slices — a Postgres backend answering short queries — can read as
// nearly nothing, and the error differs between paths, which skews the ratios the bench reports.
// A thread that exits inside a window takes its time with it; Node's and Postgres' threads live
// as long as their process, so that loss is limited to processes that end mid-run.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds a process's live threads have run so far, or undefined if it is gone. */
export function threadCpuSeconds(pid: number | string): number | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined; // the process ended
  }
  let ns = 0;
  for (const tid of tids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between listing and reading
    }
  }
  return ns / 1e9;
}

function commOf(pid: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** CPU seconds so far per label: `pids` by pid, plus every process whose name is in `names`. */
export function cpuSeconds(pids: Record<string, number | undefined>, names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, pid] of Object.entries(pids)) if (pid) out[label] = threadCpuSeconds(pid) ?? 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const comm = commOf(pid);
    const name = comm && names.find((n) => comm.startsWith(n));
    if (name) out[name] = (out[name] ?? 0) + (threadCpuSeconds(pid) ?? 0);
  }
  return out;
}

/** Cores used per label between two readings taken `seconds` apart. */
export function coresBetween(before: Record<string, number>, after: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v - (before[k] ?? 0)) / seconds]));
}
