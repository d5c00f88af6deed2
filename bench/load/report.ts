// bench/load's report: chunk delay percentiles and memory per stream (direct against through
// Salon), requests/s through one replica against two, and the machine they ran on.
import type { Machine } from '../machine.js';
import type { RateBlock } from './replicas.js';
import type { StreamPhase } from './streams.js';

/** Percentiles of a set of delays or latencies, ms. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** CPU used over a phase, in cores (CPU seconds per second of wall time). */
export type Cores = Record<string, number>;

/** One streaming phase: straight to the mock, or through Salon. */
export interface StreamSummary extends Pick<
  StreamPhase,
  'streams' | 'completed' | 'failed' | 'failures' | 'chunksExpected' | 'chunksReceived'
> {
  path: 'direct' | 'Salon';
  /** Every chunk. */
  delay: Percentiles;
  /** Chunks received while every stream was open (ramp and ends left out). */
  steadyDelay: Percentiles;
  seconds: number;
  cores: Cores;
}

/** Memory of a server at idle and with every stream open (medians of a few readings), bytes. */
export interface MemoryFigures {
  idle: { rss: number; heapUsed?: number };
  steady: { rss: number; heapUsed?: number };
  perStream: { rss: number; heapUsed?: number };
}

/** The streams part. */
export interface StreamsReport {
  dialect: string;
  load: { before: number; after: number };
  direct: StreamSummary;
  salon: StreamSummary;
  /** Salon's p99 delay minus the direct one, ms (every chunk, and steady only). */
  addedP99: number;
  addedSteadyP99: number;
  memory: { salon?: MemoryFigures; mock?: MemoryFigures };
  /** With --profile: where the streaming Salon's CPU went, as text. */
  profile?: string;
}

/** One deployment (one replica, two) over all rounds. */
export interface RateSummary {
  replicas: number;
  requests: number;
  failed: number;
  failure?: string;
  rps: number;
  roundRps: number[];
  latency: Percentiles;
  cores: Cores;
  /** CPU all replicas together used per request, µs. */
  salonCpuPerRequest: number;
}

/** The replicas part. */
export interface ReplicasReport {
  load: { before: number; after: number };
  concurrency: number;
  one: RateSummary;
  two: RateSummary;
  /** Two replicas' requests/s over one's: all rounds, and the median of the per-round ratios. */
  ratio: number;
  roundRatio: { median: number; min: number; max: number };
}

/** Everything, as `--json` prints it. */
export interface LoadBenchReport {
  date: string;
  machine: Machine;
  load: { before: number; after: number };
  command: string;
  settings: Record<string, string | number>;
  streams?: StreamsReport;
  replicas?: ReplicasReport;
  notes: string[];
}

/** Percentiles of `sorted` (ascending). */
export function percentiles(sorted: ArrayLike<number>): Percentiles {
  const at = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! : NaN;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
}

/** A streaming phase's figures. */
export function summariseStreams(
  path: StreamSummary['path'],
  phase: StreamPhase,
  cores: Cores,
): StreamSummary {
  return {
    path,
    streams: phase.streams,
    completed: phase.completed,
    failed: phase.failed,
    failures: phase.failures,
    chunksExpected: phase.chunksExpected,
    chunksReceived: phase.chunksReceived,
    delay: percentiles(phase.delays),
    steadyDelay: percentiles(phase.steadyDelays),
    seconds: phase.elapsedMs / 1000,
    cores,
  };
}

/** One deployment's rounds summed up. */
export function summariseRate(
  replicas: number,
  blocks: readonly RateBlock[],
  names: { mock: string; replicas: string[] },
): RateSummary {
  const requests = blocks.reduce((sum, block) => sum + block.requests, 0);
  const elapsedMs = blocks.reduce((sum, block) => sum + block.elapsedMs, 0);
  const micros = elapsedMs * 1000;
  const cores: Cores = {
    client: sum(blocks.map((block) => block.cpu.client)) / micros,
    [names.mock]: sum(blocks.map((block) => block.cpu.mock)) / micros,
  };
  names.replicas.forEach((name, index) => {
    cores[name] = sum(blocks.map((block) => block.cpu.replicas[index] ?? NaN)) / micros;
  });
  const salonCpu = sum(blocks.flatMap((block) => block.cpu.replicas));
  return {
    replicas,
    requests,
    failed: blocks.reduce((total, block) => total + block.failed, 0),
    failure: blocks.find((block) => block.failure)?.failure,
    rps: requests / (elapsedMs / 1000),
    roundRps: blocks.map((block) => block.requests / (block.elapsedMs / 1000)),
    latency: percentiles(Float64Array.from(blocks.flatMap((block) => block.latencies)).sort()),
    cores,
    salonCpuPerRequest: salonCpu / requests,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The report as text. */
export function formatReport(report: LoadBenchReport): string {
  const { machine } = report;
  const lines = [
    `bench:load — ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${report.load.before} → ${report.load.after}`,
    report.command,
  ];
  if (report.streams) lines.push('', ...formatStreams(report.streams));
  if (report.replicas) lines.push('', ...formatReplicas(report.replicas));
  if (report.notes.length) lines.push('', 'Notes:', ...report.notes.map((note) => `  - ${note}`));
  return lines.join('\n');
}

function formatStreams(streams: StreamsReport): string[] {
  const { direct, salon } = streams;
  const row = (label: string, values: string[]) =>
    `  ${label.padEnd(34)}${values.map((value) => value.padStart(16)).join('')}`;
  const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
  const delayRows = (label: string, pick: (summary: StreamSummary) => Percentiles) =>
    (['p50', 'p95', 'p99', 'max'] as const).map((key) =>
      row(`${label} ${key} (ms)`, [ms(pick(direct)[key]), ms(pick(salon)[key])]),
    );
  const lines = [
    `Streams: ${salon.streams} at once, ${(salon.chunksExpected / salon.streams).toFixed(0)} chunks each; Salon on ${streams.dialect} (load ${streams.load.before} → ${streams.load.after})`,
    row('', ['direct', 'Salon']),
    row('streams completed', [
      `${direct.completed}/${direct.streams}`,
      `${salon.completed}/${salon.streams}`,
    ]),
    row('chunks received', [
      `${direct.chunksReceived}/${direct.chunksExpected}`,
      `${salon.chunksReceived}/${salon.chunksExpected}`,
    ]),
    ...delayRows('delay, every chunk,', (summary) => summary.delay),
    ...delayRows('delay, all open,', (summary) => summary.steadyDelay),
    row('CPU, cores: client / mock', [
      `${cores(direct.cores.client)} / ${cores(direct.cores.mock)}`,
      `${cores(salon.cores.client)} / ${cores(salon.cores.mock)}`,
    ]),
    row('CPU, cores: Salon', ['', cores(salon.cores.salon)]),
    `  Salon's p99 minus the direct p99: ${signed(streams.addedP99)} ms over every chunk, ${signed(streams.addedSteadyP99)} ms with every stream open`,
  ];
  for (const [name, memory] of [
    ['Salon', streams.memory.salon],
    ['mock (plain node:http)', streams.memory.mock],
  ] as const) {
    if (!memory) continue;
    const heap = memory.perStream.heapUsed;
    lines.push(
      `  ${name} memory: RSS ${mib(memory.idle.rss)} idle → ${mib(memory.steady.rss)} with every stream open = ${kib(memory.perStream.rss)} per stream` +
        (heap === undefined
          ? ''
          : `; V8 heap used ${mib(memory.idle.heapUsed!)} → ${mib(memory.steady.heapUsed!)} = ${kib(heap)} per stream`),
    );
  }
  for (const summary of [direct, salon]) {
    for (const failure of summary.failures) lines.push(`  ${summary.path} failure: ${failure}`);
  }
  return lines;
}

function formatReplicas(replicas: ReplicasReport): string[] {
  const row = (label: string, values: string[]) =>
    `  ${label.padEnd(24)}${values.map((value) => value.padStart(24)).join('')}`;
  const { one, two } = replicas;
  const coreLine = (summary: RateSummary) =>
    Object.entries(summary.cores)
      .map(([name, value]) => `${name} ${cores(value)}`)
      .join(', ');
  return [
    `Replicas: non-streaming /v1/chat/completions at concurrency ${replicas.concurrency}, PostgreSQL + Redis (load ${replicas.load.before} → ${replicas.load.after})`,
    row('', ['one replica', 'two replicas']),
    row('requests (failed)', [
      `${one.requests} (${one.failed})`,
      `${two.requests} (${two.failed})`,
    ]),
    row('requests/s', [one.rps.toFixed(0), two.rps.toFixed(0)]),
    row('requests/s per round', [
      one.roundRps.map((rate) => rate.toFixed(0)).join(' '),
      two.roundRps.map((rate) => rate.toFixed(0)).join(' '),
    ]),
    row('latency p50 (ms)', [one.latency.p50.toFixed(2), two.latency.p50.toFixed(2)]),
    row('latency p99 (ms)', [one.latency.p99.toFixed(2), two.latency.p99.toFixed(2)]),
    row('Salon CPU per request (µs)', [
      one.salonCpuPerRequest.toFixed(0),
      two.salonCpuPerRequest.toFixed(0),
    ]),
    `  two / one: ${replicas.ratio.toFixed(2)}× (median of rounds ${replicas.roundRatio.median.toFixed(2)}×, ${replicas.roundRatio.min.toFixed(2)}–${replicas.roundRatio.max.toFixed(2)})`,
    `  CPU, cores, one replica: ${coreLine(one)}`,
    `  CPU, cores, two replicas: ${coreLine(two)}`,
    ...[one, two].flatMap((summary) =>
      summary.failure ? [`  ${summary.replicas} replica(s) failure: ${summary.failure}`] : [],
    ),
  ];
}

function signed(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${value.toFixed(2)}` : '–';
}

function cores(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(2);
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
