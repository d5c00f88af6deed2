// The bench's command line.
import { parseArgs } from 'node:util';

/** What one bench run measures. */
export interface WebBenchOptions {
  /** Measured runs per conversation size (plus one unmeasured warm-up of each). */
  runs: number;
  /** Messages in the long conversation, and in the baseline conversation. */
  messages: number;
  baselineMessages: number;
  /** The streamed reply: its pace and how long it lasts. */
  tokensPerSecond: number;
  streamSeconds: number;
  /** Skip `npm run build:web` and measure web/dist as it is. */
  noBuild: boolean;
  /** After the runs, one profiled run of each size (CDP trace and CPU profile), summarised. */
  profile: boolean;
  /** Only the bundle part (no browser). */
  bundleOnly: boolean;
  json: boolean;
}

const usage = `usage: npm run bench:web -- [--runs N] [--messages N] [--baseline-messages N]
       [--tokens-per-second N] [--stream-seconds N] [--no-build] [--profile] [--bundle-only] [--json]`;

/** Parses argv; throws with the usage text on a bad flag. */
export function parseWebBenchOptions(argv: string[]): WebBenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string', default: '5' },
      messages: { type: 'string', default: '2000' },
      'baseline-messages': { type: 'string', default: '20' },
      'tokens-per-second': { type: 'string', default: '100' },
      'stream-seconds': { type: 'string', default: '5' },
      'no-build': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'bundle-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error(usage);
  const baselineMessages = positive(values['baseline-messages'], '--baseline-messages', 2);
  return {
    runs: positive(values.runs, '--runs'),
    messages: positive(values.messages, '--messages', baselineMessages),
    baselineMessages,
    tokensPerSecond: positive(values['tokens-per-second'], '--tokens-per-second'),
    streamSeconds: positive(values['stream-seconds'], '--stream-seconds'),
    noBuild: values['no-build'],
    profile: values.profile,
    bundleOnly: values['bundle-only'],
    json: values.json,
  };
}

function positive(value: string, flag: string, min = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new Error(`${flag}: '${value}' is not an integer ≥ ${min}\n${usage}`);
  return number;
}
