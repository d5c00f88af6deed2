// Sums up the timings: percentiles per dialect and query kind, for Salon and for the index
// alone, and Salon's p95 as a multiple of the baseline's.
import type { DialectName } from '../../src/store/store-dialect.js';
import { queryKinds, queryUsers, type BenchQuery } from './queries.js';
import type { Machine } from '../machine.js';

export { loadAverage, machine, type Machine } from '../machine.js';

/** One timed query: Salon's search and the bare index lookup, back to back. */
export interface Timing {
  query: BenchQuery;
  salonMs: number;
  baselineMs: number;
  /** Results Salon returned. */
  hits: number;
}

/** Percentiles of one group of timings, in milliseconds. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** One line of a dialect's table. */
export interface GroupSummary {
  label: string;
  queries: number;
  /** Median number of results Salon returned (at most the limit, 20). */
  medianHits: number;
  salon: Percentiles;
  baseline: Percentiles;
  /** Salon's p95 over the baseline's. */
  ratio: number;
}

/** Everything measured on one database. */
export interface DialectReport {
  dialect: DialectName;
  seedSeconds: number;
  byKind: GroupSummary[];
  byUser: GroupSummary[];
  all: GroupSummary;
  /** The slowest searches, slowest first: where the time goes. */
  slowest: Array<{ kind: string; user: string; text: string; ms: number; hits: number }>;
}

/** The whole result, as `--json` prints it. */
export interface SearchBenchReport {
  date: string;
  machine: Machine;
  /** The 1-minute load average before and after: above ~1 others were using the cores. */
  load: { before: number; after: number };
  command: string;
  corpus: Record<string, unknown>;
  dialects: DialectReport[];
}

/** The nearest-rank percentile `p` (0–100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

function percentiles(values: readonly number[]): Percentiles {
  return { p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99) };
}

function summarise(label: string, timings: readonly Timing[]): GroupSummary {
  const salon = percentiles(timings.map((timing) => timing.salonMs));
  const baseline = percentiles(timings.map((timing) => timing.baselineMs));
  return {
    label,
    queries: timings.length,
    medianHits: percentile(
      timings.map((timing) => timing.hits),
      50,
    ),
    salon,
    baseline,
    ratio: salon.p95 / baseline.p95,
  };
}

/** The summary of one dialect's timings. */
export function summariseDialect(
  dialect: DialectName,
  seedSeconds: number,
  timings: readonly Timing[],
): DialectReport {
  return {
    dialect,
    seedSeconds,
    byKind: queryKinds.map((kind) =>
      summarise(
        kind,
        timings.filter((timing) => timing.query.kind === kind),
      ),
    ),
    byUser: queryUsers.map(({ label }) =>
      summarise(
        `as ${label} user`,
        timings.filter((timing) => timing.query.user === label),
      ),
    ),
    all: summarise('all queries', timings),
    slowest: [...timings]
      .sort((a, b) => b.salonMs - a.salonMs)
      .slice(0, 5)
      .map(({ query, salonMs, hits }) => ({
        kind: query.kind,
        user: query.user,
        text: query.text,
        ms: Math.round(salonMs * 100) / 100,
        hits,
      })),
  };
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

/** The human-readable report: one table per dialect. */
export function formatReport(report: SearchBenchReport): string {
  const { machine: host, load } = report;
  const lines = [
    `bench/search — ${report.date}, ${host.cpus} cores (${host.cpuModel}), Node ${host.node}, ` +
      `load ${load.before} → ${load.after}`,
    `command: ${report.command}`,
    `corpus: ${Object.entries(report.corpus)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(', ')}`,
  ];
  for (const dialect of report.dialects) {
    lines.push(
      '',
      `${dialect.dialect} (seeded in ${dialect.seedSeconds.toFixed(1)} s), milliseconds:`,
      '',
      '| queries | n | hits | Salon p50 | Salon p95 | Salon p99 | index p50 | index p95 | index p99 | p95 ratio |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...[...dialect.byKind, ...dialect.byUser, dialect.all].map(
        (group) =>
          `| ${group.label} | ${group.queries} | ${group.medianHits} ` +
          `| ${ms(group.salon.p50)} | **${ms(group.salon.p95)}** | ${ms(group.salon.p99)} ` +
          `| ${ms(group.baseline.p50)} | ${ms(group.baseline.p95)} | ${ms(group.baseline.p99)} ` +
          `| ${group.ratio.toFixed(1)}× |`,
      ),
      '',
      `slowest: ${dialect.slowest
        .map((query) => `${query.text} (${query.kind}, ${query.user}) ${ms(query.ms)} ms`)
        .join('; ')}`,
    );
  }
  // One search at a time keeps about one core busy (client and database taking turns).
  if (load.before > 1) {
    lines.push(
      '',
      `WARNING: the machine was busy before the bench (load ${load.before} on ${host.cpus} cores): ` +
        'the figures are noisy, the tails most',
    );
  }
  return lines.join('\n');
}
