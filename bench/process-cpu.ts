// CPU seconds used by the processes of a benchmark run (Linux /proc), so each row can say where
// the machine's cores went: the services by pid, Postgres and Redis by their process names.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function cpuOf(pid: string): { comm: string; seconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** CPU seconds so far per label: `pids` by pid, plus every process whose name is in `names`. */
export function cpuSeconds(pids: Record<string, number | undefined>, names: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, pid] of Object.entries(pids)) if (pid) out[label] = cpuOf(String(pid))?.seconds ?? 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const p = cpuOf(pid);
    const name = p && names.find((n) => p.comm.startsWith(n));
    if (name) out[name] = (out[name] ?? 0) + p!.seconds;
  }
  return out;
}

/** Cores used per label between two readings taken `seconds` apart. */
export function coresBetween(before: Record<string, number>, after: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v - (before[k] ?? 0)) / seconds]));
}
