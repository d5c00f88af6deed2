// Sums up the rounds: latency percentiles at concurrency 1, requests/s at concurrency N, the
// gateways' CPU per request, what each gateway adds over the direct call, and the goals.
import type { TimeWindow } from './cpu-profile.js';
import type { Mode, Timing } from './load.js';
import type { Machine } from '../machine.js';

export { loadAverage, machine, type Machine } from '../machine.js';

/** Everything measured for one path in one mode, over all rounds. */
export interface PathRuns {
  path: string;
  mode: Mode;
  /** Why the path was not measured in this mode (its check request failed). */
  failure?: string;
  /** Concurrency 1, every request. */
  sequential: Timing[];
  /** Concurrency N: each round's request count and wall time (ms). */
  saturated: Array<{ requests: number; elapsed: number }>;
  saturatedTimings: Timing[];
  /** When the measured blocks ran (monotonic µs), to cut a CPU profile down to them. */
  windows: TimeWindow[];
  /** CPU time of each process per phase (NaN where /proc is missing). */
  cpu: { sequential: CpuSample; saturated: CpuSample };
}

/** CPU time (µs) each process used over some requests; the direct path has no gateway (0). */
export interface CpuSample {
  requests: number;
  client: number;
  mock: number;
  gateway: number;
}

/** CPU µs per request of each process. */
export interface CpuPerRequest {
  client: number;
  mock: number;
  gateway: number;
  total: number;
}

/** One line of the report. */
export interface PathSummary {
  path: string;
  mode: Mode;
  failure?: string;
  /** Concurrency 1, ms. */
  p50: number;
  p99: number;
  /** Streams only: to the first body byte, ms. */
  firstByteP50?: number;
  /** Concurrency N: all rounds' requests over all rounds' time. */
  rps: number;
  /** The slowest and fastest round. */
  rpsRange: { min: number; max: number };
  /** Each round's requests/s, in round order (to pair with another path's same round). */
  roundRps: number[];
  /** Concurrency N, ms. */
  saturatedP50: number;
  /** CPU µs per request at concurrency 1 and N. */
  cpuPerRequest?: { sequential: CpuPerRequest; saturated: CpuPerRequest };
}

/** What a gateway costs next to the direct call, in one mode. */
export interface Overhead {
  path: string;
  mode: Mode;
  /** Added latency at concurrency 1, ms. */
  addedP50: number;
  addedP99: number;
  /** This path's requests/s over the direct call's. */
  rpsOfDirect: number;
}

/** The whole result, as `--json` prints it. */
export interface GatewayBenchReport {
  date: string;
  machine: Machine;
  /** The 1-minute load average before and after: above ~1 others were using the cores. */
  load: { before: number; after: number };
  command: string;
  settings: Record<string, unknown>;
  paths: PathSummary[];
  overheads: Overhead[];
  /**
   * Salon's requests/s over Portkey's at concurrency N, per mode both could serve: the median of
   * the rounds' ratios (each round runs the two back to back, which cancels most of a shared
   * machine's drift), their range, and all requests over all time. With Portkey's gateway CPU
   * per request over Salon's, and the ratio a gateway using no CPU at all would reach (Portkey's
   * path CPU over the direct path's), since the processes share the cores.
   */
  salonOverPortkey: Array<{
    mode: Mode;
    rps: number;
    range: { min: number; max: number };
    overall: number;
    gatewayCpu: number;
    ceiling: number;
  }>;
  goals: Array<{ goal: string; value: string; met: boolean }>;
  /** What went wrong on a path (Portkey's streaming, say), with the gateway's own log line. */
  notes: string[];
}

/** The value at quantile q (nearest rank) of a non-empty list. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Medians, percentiles and rates of each path. */
export function summarisePath(runs: PathRuns): PathSummary {
  const base = { path: runs.path, mode: runs.mode };
  if (runs.failure || !runs.sequential.length) {
    return {
      ...base,
      failure: runs.failure ?? 'no request measured',
      p50: NaN,
      p99: NaN,
      rps: NaN,
      rpsRange: { min: NaN, max: NaN },
      roundRps: [],
      saturatedP50: NaN,
    };
  }
  const totals = runs.sequential.map((timing) => timing.total);
  const rates = runs.saturated.map((round) => (round.requests * 1000) / round.elapsed);
  const requests = runs.saturated.reduce((sum, round) => sum + round.requests, 0);
  const elapsed = runs.saturated.reduce((sum, round) => sum + round.elapsed, 0);
  return {
    ...base,
    p50: percentile(totals, 0.5),
    p99: percentile(totals, 0.99),
    firstByteP50:
      runs.mode === 'stream'
        ? percentile(
            runs.sequential.map((timing) => timing.firstByte),
            0.5,
          )
        : undefined,
    rps: (requests * 1000) / elapsed,
    rpsRange: { min: Math.min(...rates), max: Math.max(...rates) },
    roundRps: rates,
    saturatedP50: percentile(
      runs.saturatedTimings.map((timing) => timing.total),
      0.5,
    ),
    cpuPerRequest: {
      sequential: perRequest(runs.cpu.sequential),
      saturated: perRequest(runs.cpu.saturated),
    },
  };
}

function perRequest(sample: CpuSample): CpuPerRequest {
  const { requests, client, mock, gateway } = sample;
  return {
    client: client / requests,
    mock: mock / requests,
    gateway: gateway / requests,
    total: (client + mock + gateway) / requests,
  };
}

/** Each gateway's cost over the direct call, mode by mode. */
export function overheads(paths: readonly PathSummary[]): Overhead[] {
  return paths.flatMap((summary) => {
    const direct = paths.find((other) => other.path === 'direct' && other.mode === summary.mode);
    if (summary.path === 'direct' || summary.failure || !direct || direct.failure) return [];
    return [
      {
        path: summary.path,
        mode: summary.mode,
        addedP50: summary.p50 - direct.p50,
        addedP99: summary.p99 - direct.p99,
        rpsOfDirect: summary.rps / direct.rps,
      },
    ];
  });
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const modeName: Record<Mode, string> = { json: 'non-streaming', stream: 'streaming' };

/** The human-readable report. */
export function formatReport(report: GatewayBenchReport, concurrency: number): string {
  const { machine: host, load } = report;
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : '—');
  const us = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '—');
  const rows = report.paths.map((line) => {
    if (line.failure) {
      return `| ${modeName[line.mode]} | ${line.path} | failed: ${line.failure.split('\n')[0]} | | | | | | |`;
    }
    const cpu = line.cpuPerRequest;
    const gatewayCpu =
      cpu && line.path !== 'direct'
        ? `${us(cpu.sequential.gateway)} / ${us(cpu.saturated.gateway)}`
        : '';
    return (
      `| ${modeName[line.mode]} | ${line.path} | ${ms(line.p50)} | ${ms(line.p99)} ` +
      `| ${line.firstByteP50 === undefined ? '' : ms(line.firstByteP50)} ` +
      `| ${line.rps.toFixed(0)} | ${line.rpsRange.min.toFixed(0)}–${line.rpsRange.max.toFixed(0)} ` +
      `| ${ms(line.saturatedP50)} | ${gatewayCpu} |`
    );
  });
  const added = report.overheads.map(
    (overhead) =>
      `${overhead.path} adds ${overhead.addedP50.toFixed(3)} ms p50, ${overhead.addedP99.toFixed(3)} ms p99 ` +
      `over direct (${modeName[overhead.mode]}, concurrency 1); ` +
      `${(overhead.rpsOfDirect * 100).toFixed(0)}% of direct's requests/s at ${concurrency}`,
  );
  const versus = report.salonOverPortkey.map(
    (ratio) =>
      `Salon / Portkey requests/s at ${concurrency} (${modeName[ratio.mode]}): **${ratio.rps.toFixed(2)}×** ` +
      `(median of rounds; ${ratio.range.min.toFixed(2)}–${ratio.range.max.toFixed(2)}; overall ${ratio.overall.toFixed(2)}×); ` +
      `Portkey's process uses ${ratio.gatewayCpu.toFixed(2)}× Salon's CPU per request; ` +
      `a gateway using no CPU would reach ${ratio.ceiling.toFixed(1)}× here`,
  );
  const budget = report.paths
    .filter((line) => !line.failure && line.cpuPerRequest)
    .map((line) => {
      const cpu = line.cpuPerRequest!.saturated;
      return `| ${modeName[line.mode]} | ${line.path} | ${us(cpu.client)} | ${us(cpu.mock)} | ${line.path === 'direct' ? '' : us(cpu.gateway)} | ${us(cpu.total)} |`;
    });
  const goals = report.goals.map(
    (goal) => `${goal.met ? 'MET ' : 'MISSED'} ${goal.goal}: ${goal.value}`,
  );
  return [
    `bench/gateway — ${report.date}, ${host.cpus} cores (${host.cpuModel}), Node ${host.node}, load ${load.before} → ${load.after}`,
    `settings: ${Object.entries(report.settings)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(', ')}`,
    '',
    `| mode | path | p50 ms (c=1) | p99 ms (c=1) | first byte p50 ms | req/s (c=${concurrency}) | req/s range | p50 ms (c=${concurrency}) | gateway CPU µs/req c=1 / c=${concurrency} |`,
    '| --- | --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: |',
    ...rows,
    '',
    `CPU µs per request at concurrency ${concurrency}, by process (the cores are shared by all three):`,
    '',
    '| mode | path | load generator | mock | gateway | total |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...budget,
    '',
    ...added,
    ...versus,
    '',
    ...goals,
    ...report.notes.map((note) => `NOTE: ${note}`),
    ...warnings(report),
  ].join('\n');
}

function warnings(report: GatewayBenchReport): string[] {
  // Three busy processes on the bench's own side; load above the core count is someone else.
  if (report.load.before <= report.machine.cpus / 2) return [];
  return [
    `WARNING: the machine was busy before the bench (load ${report.load.before} on ${report.machine.cpus} cores): ` +
      'absolute figures are noisy; the ratios within this run and the CPU per request are steadier',
  ];
}
