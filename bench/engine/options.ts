// The bench's command line. Every knob that changes the work is applied to both sides.
import path from 'node:path';
import { parseArgs } from 'node:util';

/** What one bench run measures. */
export interface BenchOptions {
  modelPath: string;
  /** Completion tokens each stream asks for. */
  maxTokens: number;
  /** Measured rounds; each round runs raw and Salon once per concurrency level. */
  rounds: number;
  /** Unmeasured runs per side and level before the first round. */
  warmup: number;
  /** Concurrency levels (streams at once). */
  streams: number[];
  /** Sequences of the context on both sides (default: the largest concurrency level). */
  sequences: number;
  /** CPU threads on both sides (default: what Salon's engine chooses, see src/engine/threads.ts). */
  threads?: number;
  /** Tokens per sequence on both sides (default: what Salon's engine chooses). */
  contextSize?: number;
  json: boolean;
}

/** The command line, for --help and errors. */
export const benchUsage = `usage: npm run bench:engine -- [--model FILE] [--max-tokens N] [--rounds N] [--warmup N]
       [--streams 1,4,8] [--sequences N] [--threads N] [--context-size N] [--json]`;

/** The tiny shared model: SALON_SHARED_DIR, or ../shared beside the checkout. */
export function defaultModelPath(): string {
  return path.join(
    path.resolve(process.env.SALON_SHARED_DIR ?? path.join('..', 'shared')),
    'models',
    'llama-2-tiny-random.gguf',
  );
}

/** Parses argv (undefined for --help); throws with the usage text on a bad flag. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string' },
      'max-tokens': { type: 'string', default: '256' },
      rounds: { type: 'string', default: '15' },
      warmup: { type: 'string', default: '1' },
      streams: { type: 'string', default: '1,4,8' },
      sequences: { type: 'string' },
      threads: { type: 'string' },
      'context-size': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const streams = values.streams.split(',').map((value) => positive(value, '--streams'));
  const sequences = values.sequences
    ? positive(values.sequences, '--sequences')
    : Math.max(...streams);
  // More streams than sequences would queue in Salon and have nowhere to run in the baseline.
  if (sequences < Math.max(...streams)) {
    throw new Error(
      `--sequences ${sequences} is fewer than ${Math.max(...streams)} streams\n${benchUsage}`,
    );
  }
  return {
    modelPath: path.resolve(values.model ?? defaultModelPath()),
    maxTokens: positive(values['max-tokens'], '--max-tokens'),
    rounds: positive(values.rounds, '--rounds'),
    warmup: positive(values.warmup, '--warmup', 0),
    streams,
    sequences,
    threads: values.threads ? positive(values.threads, '--threads') : undefined,
    contextSize: values['context-size']
      ? positive(values['context-size'], '--context-size')
      : undefined,
    json: values.json,
  };
}

function positive(value: string, flag: string, min = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new Error(`${flag}: '${value}' is not an integer ≥ ${min}\n${benchUsage}`);
  return number;
}
