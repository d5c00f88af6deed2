// Sums up the timings: per dialect, range and query, percentiles on the rollup and on the raw
// ledger, and how many times faster the rollup answers.
import type { DialectName } from '../../src/store/store-dialect.js';
import type { Machine } from '../machine.js';

export { loadAverage, machine } from '../machine.js';

/** One analytics query over one range, timed on the rollup and (where it has one) the ledger. */
export interface QueryTiming {
  days: number;
  query: string;
  rollup: { p50: number; p95: number; runs: number };
  raw?: { p50: number; p95: number; runs: number };
  /** Raw p50 over rollup p50. */
  speedup?: number;
}

/** Everything measured on one database. */
export interface DialectReport {
  dialect: DialectName;
  ledgerRows: number;
  rollupRows: number;
  largeOrgRollupRows: number;
  /** The large organisation's rows in each rollup table. */
  largeOrgRowsPerRollup: Record<string, number>;
  loadSeconds: { insert: number; indexes: number; backfill: number };
  /** Milliseconds per 200-row ledger flush, with the rollup and as a bare insert. */
  flushMs: { withRollup: number; insertOnly: number };
  timings: QueryTiming[];
}

/** The whole result, as `--json` prints it. */
export interface UsageBenchReport {
  date: string;
  machine: Machine;
  load: { before: number; after: number };
  command: string;
  dialects: DialectReport[];
  skipped: string[];
}

/** The nearest-rank percentile `p` (0–100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : value < 1000 ? 1 : 0);

/** The human-readable report: one table per dialect. */
export function formatReport(report: UsageBenchReport): string {
  const { machine: host, load } = report;
  const lines = [
    `bench/usage — ${report.date}, ${host.cpus} cores (${host.cpuModel}), Node ${host.node}, ` +
      `load ${load.before} → ${load.after}`,
    `command: ${report.command}`,
    ...report.skipped.map((reason) => `*** SKIPPED ${reason} ***`),
  ];
  for (const d of report.dialects) {
    lines.push(
      '',
      `${d.dialect}: ${d.ledgerRows.toLocaleString('en')} ledger rows → ` +
        `${d.rollupRows.toLocaleString('en')} rollup rows (${d.largeOrgRollupRows.toLocaleString('en')} ` +
        `for the large organisation; per rollup ${Object.entries(d.largeOrgRowsPerRollup)
          .map(([table, rows]) => `${table} ${rows.toLocaleString('en')}`)
          .join(', ')}); load ${d.loadSeconds.insert.toFixed(0)} s + indexes ` +
        `${d.loadSeconds.indexes.toFixed(0)} s, rollup backfill (migrations 0010, 0012 and 0013) ` +
        `${d.loadSeconds.backfill.toFixed(0)} s; a 200-row ledger flush ${ms(d.flushMs.withRollup)} ms ` +
        `(insert alone ${ms(d.flushMs.insertOnly)} ms). Milliseconds:`,
      '',
      '| days | query | rollup p50 | rollup p95 | raw ledger p50 | raw ledger p95 | raw/rollup (p50) |',
      '|---:|---|---:|---:|---:|---:|---:|',
    );
    for (const t of d.timings) {
      lines.push(
        `| ${t.days} | ${t.query} | ${ms(t.rollup.p50)} | ${ms(t.rollup.p95)} | ` +
          `${t.raw ? ms(t.raw.p50) : '–'} | ${t.raw ? ms(t.raw.p95) : '–'} | ` +
          `${t.speedup ? `${t.speedup.toFixed(0)}×` : '–'} |`,
      );
    }
    const worst = Math.max(...d.timings.map((t) => t.rollup.p95));
    lines.push('', `${d.dialect}: slowest rollup p95 ${ms(worst)} ms (goal < 200 ms).`);
  }
  return lines.join('\n');
}
