// The bench's command line.
import { parseArgs } from 'node:util';
import type { DialectName } from '../../src/store/store-dialect.js';
import { parseDialects, positiveInteger } from '../options.js';

/** What one bench run measures. */
export interface AuditBenchOptions {
  events: number;
  dialects: DialectName[];
  /** Timed passes of the baseline and of verification each, alternating. */
  rounds: number;
  /** Rows per select in `verifyAuditChain` and in the baseline (the core's default if unset). */
  batchSize: number | undefined;
  json: boolean;
}

const usage = `usage: npm run bench:audit -- [--events N] [--dialects sqlite,postgres] [--rounds N]
       [--batch-size N] [--json]`;

/** Parses argv; throws with the usage text on a bad flag. */
export function parseAuditBenchOptions(argv: string[]): AuditBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      events: { type: 'string', default: '1000000' },
      dialects: { type: 'string', default: 'sqlite,postgres' },
      rounds: { type: 'string', default: '2' },
      'batch-size': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(usage);
  const dialects = parseDialects(values.dialects, usage);
  const batch = values['batch-size'];
  return {
    events: positiveInteger(values.events, '--events', usage, 2),
    dialects,
    rounds: positiveInteger(values.rounds, '--rounds', usage),
    batchSize: batch === undefined ? undefined : positiveInteger(batch, '--batch-size', usage),
    json: values.json,
  };
}
