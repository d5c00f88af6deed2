// Sums up the rounds: medians per side and concurrency level, the Salon/raw ratios, and
// whether streams together beat one stream.
import {
  cpuMicrosPerToken,
  systemMicrosPerToken,
  tokensPerSecond,
  type Measurement,
} from './workload.js';
import type { Machine } from '../machine.js';

export { loadAverage, machine, type Machine } from '../machine.js';

/** Both sides' runs at one concurrency level, in round order. */
export interface LevelRuns {
  streams: number;
  raw: Measurement[];
  salon: Measurement[];
}

/** One line of the report. */
export interface LevelSummary {
  streams: number;
  /** Median aggregate tokens/s. */
  raw: number;
  salon: number;
  /**
   * The median over rounds of Salon/raw, each round's two runs back to back: the headline.
   * Pairing cancels most of a shared machine's drift, which the ratio of medians keeps.
   */
  ratio: number;
  /** The lowest and highest round ratio. */
  ratioRange: { min: number; max: number };
  /** median(Salon) / median(raw). */
  ratioOfMedians: number;
  /** Median process CPU per token, µs (engine, event loop and client together). */
  cpuMicrosPerToken: { raw: number; salon: number };
  /** Median kernel part of it, µs. */
  systemMicrosPerToken: { raw: number; salon: number };
  /**
   * raw / Salon CPU per token. Other processes disturb it less than wall time; where the
   * generation loop is serial (it keeps about one core busy here) it tracks the wall ratio.
   */
  cpuRatio: number;
  /** Completion tokens per run (the same on both sides unless a stream stopped early). */
  tokens: { raw: number; salon: number };
  promptTokens: { raw: number; salon: number };
  /** Aggregate tokens/s of every round, in order. */
  runs: { raw: number[]; salon: number[] };
}

/** The whole result, as `--json` prints it. */
export interface BenchReport {
  date: string;
  machine: Machine;
  /** The 1-minute load average before and after: above ~1 others were using the cores. */
  load: { before: number; after: number };
  command: string;
  settings: Record<string, unknown>;
  levels: LevelSummary[];
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians and ratios of each level. */
export function summarise(levels: readonly LevelRuns[]): LevelSummary[] {
  return levels.map(({ streams, raw, salon }) => {
    const rawRates = raw.map(tokensPerSecond);
    const salonRates = salon.map(tokensPerSecond);
    const paired = salonRates.map((rate, index) => rate / rawRates[index]!);
    const cpu = {
      raw: median(raw.map(cpuMicrosPerToken)),
      salon: median(salon.map(cpuMicrosPerToken)),
    };
    return {
      streams,
      raw: median(rawRates),
      salon: median(salonRates),
      ratio: median(paired),
      ratioRange: { min: Math.min(...paired), max: Math.max(...paired) },
      ratioOfMedians: median(salonRates) / median(rawRates),
      cpuMicrosPerToken: cpu,
      systemMicrosPerToken: {
        raw: median(raw.map(systemMicrosPerToken)),
        salon: median(salon.map(systemMicrosPerToken)),
      },
      cpuRatio: cpu.raw / cpu.salon,
      tokens: {
        raw: median(raw.map((run) => run.tokens)),
        salon: median(salon.map((run) => run.tokens)),
      },
      promptTokens: { raw: raw[0]?.promptTokens ?? 0, salon: salon[0]?.promptTokens ?? 0 },
      runs: { raw: rawRates.map(Math.round), salon: salonRates.map(Math.round) },
    };
  });
}

/** The human-readable report. */
export function formatReport(report: BenchReport): string {
  const { machine: host, load } = report;
  const rows = report.levels.map((level) => {
    const range = level.ratioRange;
    const cpu = level.cpuMicrosPerToken;
    return (
      `| ${level.streams} | ${level.raw.toFixed(0)} | ${level.salon.toFixed(0)} | **${level.ratio.toFixed(2)}** ` +
      `| ${range.min.toFixed(2)}–${range.max.toFixed(2)} ` +
      `| ${cpu.raw.toFixed(0)} / ${cpu.salon.toFixed(0)} | ${level.cpuRatio.toFixed(2)} | ${tokenCounts(level)} |`
    );
  });
  return [
    `bench/engine — ${report.date}, ${host.cpus} cores (${host.cpuModel}), Node ${host.node}, load ${load.before} → ${load.after}`,
    `settings: ${Object.entries(report.settings)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(', ')}`,
    '',
    '| streams | raw tok/s | Salon tok/s | ratio | ratio range | CPU µs/token raw / Salon | CPU ratio | tokens/run |',
    '| ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |',
    ...rows,
    '',
    ...scaling(report.levels),
    ...warnings(report),
  ].join('\n');
}

function tokenCounts(level: LevelSummary): string {
  const { raw, salon } = level.tokens;
  return raw === salon ? `${raw}` : `raw ${raw} / Salon ${salon}`;
}

function scaling(levels: readonly LevelSummary[]): string[] {
  const one = levels.find((level) => level.streams === 1);
  if (!one) return [];
  return levels
    .filter((level) => level.streams > 1)
    .map(
      (level) =>
        `${level.streams} streams vs 1: raw ${(level.raw / one.raw).toFixed(2)}×, Salon ${(level.salon / one.salon).toFixed(2)}×`,
    );
}

function warnings(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const level of report.levels) {
    if (level.promptTokens.raw !== level.promptTokens.salon) {
      lines.push(
        `WARNING: prompt tokens differ at ${level.streams} streams (raw ${level.promptTokens.raw}, Salon ${level.promptTokens.salon})`,
      );
    }
    if (level.tokens.raw !== level.tokens.salon) {
      lines.push(
        `WARNING: generated token counts differ at ${level.streams} streams; tokens/s compares them anyway`,
      );
    }
  }
  // The bench itself keeps about one core busy; more than that before it started is someone else.
  if (report.load.before > 1) {
    lines.push(
      `WARNING: the machine was busy before the bench (load ${report.load.before} on ${report.machine.cpus} cores): ` +
        'wall-clock figures are noisy; the CPU columns are steadier',
    );
  }
  return lines;
}
