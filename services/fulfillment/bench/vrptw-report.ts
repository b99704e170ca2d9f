// Hierarchical scoring of a benchmark run: vehicles first (CNV), then distance (CTD). A distance
// gap is only meaningful against a best-known solution with the same number of vehicles, so the
// mean gap is taken over the instances at the best-known vehicle count and nowhere else.

export interface BenchRow {
  instance: string;
  customers: number;
  vehicles: number;
  distance: number;
  bksVehicles: number;
  bksDistance: number;
  /** Wall time of the whole solve call, worker start-up included. */
  seconds: number;
  /** Time the solver itself reports (inside the worker). */
  solverSeconds: number;
  timeLimitMs: number;
  iterations: number;
  /** Process-wide peak resident set so far, in MB (worker threads share the process). */
  peakRssMb: number;
  feasible: boolean;
}

export interface BenchSummary {
  instances: number;
  cnv: number;
  bksCnv: number;
  ctd: number;
  bksCtd: number;
  atBksVehicles: number;
  belowBksVehicles: number;
  /** Mean of (distance − bks) / bks over instances at exactly the best-known vehicle count; NaN if none. */
  meanGapAtBksPct: number;
  maxGapAtBksPct: number;
  overBks: { instance: string; extra: number }[];
  infeasible: number;
  meanSeconds: number;
  maxSeconds: number;
  iterations: number;
  peakRssMb: number;
}

export function gapPct(row: Pick<BenchRow, 'distance' | 'bksDistance'>): number {
  return ((row.distance - row.bksDistance) / row.bksDistance) * 100;
}

export function summarize(rows: readonly BenchRow[]): BenchSummary {
  const sum = (f: (r: BenchRow) => number): number => rows.reduce((s, r) => s + f(r), 0);
  const atBks = rows.filter((r) => r.vehicles === r.bksVehicles);
  const gaps = atBks.map(gapPct);
  return {
    instances: rows.length,
    cnv: sum((r) => r.vehicles),
    bksCnv: sum((r) => r.bksVehicles),
    ctd: sum((r) => r.distance),
    bksCtd: sum((r) => r.bksDistance),
    atBksVehicles: atBks.length,
    belowBksVehicles: rows.filter((r) => r.vehicles < r.bksVehicles).length,
    meanGapAtBksPct: gaps.length > 0 ? gaps.reduce((s, g) => s + g, 0) / gaps.length : NaN,
    maxGapAtBksPct: gaps.length > 0 ? Math.max(...gaps) : NaN,
    overBks: rows.filter((r) => r.vehicles > r.bksVehicles).map((r) => ({ instance: r.instance, extra: r.vehicles - r.bksVehicles })),
    infeasible: rows.filter((r) => !r.feasible).length,
    meanSeconds: rows.length > 0 ? sum((r) => r.seconds) / rows.length : 0,
    maxSeconds: rows.length > 0 ? Math.max(...rows.map((r) => r.seconds)) : 0,
    iterations: sum((r) => r.iterations),
    peakRssMb: rows.length > 0 ? Math.max(...rows.map((r) => r.peakRssMb)) : 0,
  };
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['instance', 'n', 'veh', 'bksVeh', 'Δveh', 'distance', 'bksDist', 'gap%', 's', 'solver s', 'limit s', 'iterations', 'rss MB', 'check'];
  const cells = rows.map((r) => [
    r.instance, String(r.customers), String(r.vehicles), String(r.bksVehicles), signed(r.vehicles - r.bksVehicles),
    r.distance.toFixed(2), r.bksDistance.toFixed(2),
    // A gap against a solution with another vehicle count would compare different things.
    r.vehicles === r.bksVehicles ? gapPct(r).toFixed(2) : '—',
    r.seconds.toFixed(1), r.solverSeconds.toFixed(1), (r.timeLimitMs / 1000).toFixed(0), String(r.iterations), r.peakRssMb.toFixed(0), r.feasible ? 'ok' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

export function formatSummary(s: BenchSummary): string {
  const over = s.overBks.length > 0 ? ` (over: ${s.overBks.map((o) => `${o.instance} +${o.extra}`).join(', ')})` : '';
  return [
    `CNV ${s.cnv} vs best-known ${s.bksCnv} (${signed(s.cnv - s.bksCnv)})   CTD ${s.ctd.toFixed(2)} vs best-known ${s.bksCtd.toFixed(2)}`,
    `at best-known vehicle count: ${s.atBksVehicles}/${s.instances}${over}${s.belowBksVehicles > 0 ? `, below it: ${s.belowBksVehicles}` : ''}`,
    `distance gap over those ${s.atBksVehicles}: mean ${fmtPct(s.meanGapAtBksPct)}, max ${fmtPct(s.maxGapAtBksPct)}`,
    `time: mean ${s.meanSeconds.toFixed(1)} s, max ${s.maxSeconds.toFixed(1)} s   iterations ${s.iterations}   peak RSS ${s.peakRssMb.toFixed(0)} MB`,
    s.infeasible > 0 ? `!!! ${s.infeasible} plan(s) FAILED the independent check` : `all ${s.instances} plans passed the independent check`,
  ].join('\n');
}

function signed(x: number): string {
  return (x >= 0 ? '+' : '') + String(x);
}

function fmtPct(x: number): string {
  return Number.isNaN(x) ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}%`;
}
