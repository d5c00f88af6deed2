// The bench's command line.
import { parseArgs } from 'node:util';
import type { DialectName } from '../../src/store/store-dialect.js';
import { parseDialects, positiveInteger } from '../options.js';

/** What one bench run measures. */
export interface UsageBenchOptions {
  /** Ledger rows to load, over every organisation. */
  rows: number;
  /** Timed runs of each analytics query on the rollup. */
  runs: number;
  /** Timed runs of each query on the raw ledger (slow: seconds each at 10 million rows). */
  baselineRuns: number;
  dialects: DialectName[];
  json: boolean;
}

const usage = `usage: npm run bench:usage -- [--rows N] [--runs N] [--baseline-runs N]
       [--dialects sqlite,postgres] [--json]`;

/** Parses argv; throws with the usage text on a bad flag. */
export function parseUsageBenchOptions(argv: string[]): UsageBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rows: { type: 'string', default: '10000000' },
      runs: { type: 'string', default: '30' },
      'baseline-runs': { type: 'string', default: '3' },
      dialects: { type: 'string', default: 'sqlite,postgres' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(usage);
  const dialects = parseDialects(values.dialects, usage);
  return {
    rows: positiveInteger(values.rows, '--rows', usage, 1000),
    runs: positiveInteger(values.runs, '--runs', usage),
    baselineRuns: positiveInteger(values['baseline-runs'], '--baseline-runs', usage),
    dialects,
    json: values.json,
  };
}
