// The bench's command line.
import { parseArgs } from 'node:util';
import type { DialectName } from '../../src/store/store-dialect.js';
import { parseDialects, positiveInteger } from '../options.js';

/** What one bench run measures. */
export interface SearchBenchOptions {
  messages: number;
  conversations: number;
  /** Queries of each kind, spread over the three users. */
  perKind: number;
  dialects: DialectName[];
  json: boolean;
}

const usage = `usage: npm run bench:search -- [--messages N] [--conversations N] [--per-kind N]
       [--dialects sqlite,postgres] [--json]`;

/** Parses argv; throws with the usage text on a bad flag. */
export function parseSearchBenchOptions(argv: string[]): SearchBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      messages: { type: 'string', default: '100000' },
      conversations: { type: 'string', default: '1000' },
      'per-kind': { type: 'string', default: '90' },
      dialects: { type: 'string', default: 'sqlite,postgres' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(usage);
  const dialects = parseDialects(values.dialects, usage);
  const conversations = positiveInteger(values.conversations, '--conversations', usage);
  return {
    messages: positiveInteger(values.messages, '--messages', usage, conversations * 2),
    conversations,
    perKind: positiveInteger(values['per-kind'], '--per-kind', usage),
    dialects,
    json: values.json,
  };
}
