// The bench's command line.
import { parseArgs } from 'node:util';
import type { DialectName } from '../../src/store/store-dialect.js';

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
  const dialects = values.dialects.split(',').map((name) => {
    if (name !== 'sqlite' && name !== 'postgres') {
      throw new Error(`--dialects: unknown '${name}' (sqlite, postgres)\n${usage}`);
    }
    return name;
  });
  const conversations = positive(values.conversations, '--conversations');
  return {
    messages: positive(values.messages, '--messages', conversations * 2),
    conversations,
    perKind: positive(values['per-kind'], '--per-kind'),
    dialects,
    json: values.json,
  };
}

function positive(value: string, flag: string, min = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new Error(`${flag}: '${value}' is not an integer ≥ ${min}\n${usage}`);
  return number;
}
