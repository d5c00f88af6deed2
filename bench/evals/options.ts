// bench/evals' command line.
import { parseArgs } from 'node:util';

/** What one bench run measures. */
export interface EvalBenchOptions {
  /** MMLU's data folder. */
  data: string;
  /** The GGUF model of the engine phase (default: the shared tiny model). */
  model: string;
  /** First N questions per subject in the engine phase; undefined for the full test split. */
  limit?: number;
  /** Shots before each question. */
  shots: number;
  /** Engine sequences and questions in flight in the engine phase. */
  engineConcurrency: number;
  /** Questions in flight against the mock remote model. */
  remoteConcurrency: number;
  /** First N questions per subject at `remoteConcurrency`; undefined for all. */
  remoteLimit?: number;
  /** First N questions per subject at concurrency 1 (the baseline; slow with latency). */
  remoteBaselineLimit: number;
  /** How long the mock remote model takes to answer, in ms. */
  remoteLatency: number;
  skipEngine: boolean;
  skipRemote: boolean;
  json: boolean;
}

/** The command line, for --help and errors. */
export const evalBenchUsage = `usage: npm run bench:evals -- [--data DIR] [--model FILE.gguf] [--limit N] [--shots K]
       [--engine-concurrency N] [--remote-concurrency N] [--remote-limit N]
       [--remote-baseline-limit N] [--remote-latency MS] [--skip-engine] [--skip-remote] [--json]
  --limit N   the first N questions of each subject in the engine phase (default: the whole
              test split, 14,079 questions on the 2020 pre-release, twice: about an hour here)`;

/** Parses argv (undefined for --help); throws with the usage text on a bad flag. */
export function parseEvalBenchOptions(
  argv: string[],
  sharedDir: string,
): EvalBenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      data: { type: 'string', default: `${sharedDir}/data/mmlu` },
      model: { type: 'string', default: `${sharedDir}/models/llama-2-tiny-random.gguf` },
      limit: { type: 'string' },
      shots: { type: 'string', default: '5' },
      'engine-concurrency': { type: 'string', default: '1' },
      'remote-concurrency': { type: 'string', default: '16' },
      'remote-limit': { type: 'string' },
      'remote-baseline-limit': { type: 'string', default: '5' },
      'remote-latency': { type: 'string', default: '50' },
      'skip-engine': { type: 'boolean', default: false },
      'skip-remote': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const count = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0)
      throw new Error(`${flag}: not a whole number\n${evalBenchUsage}`);
    return number;
  };
  return {
    data: values.data,
    model: values.model,
    limit: count(values.limit, '--limit'),
    shots: count(values.shots, '--shots')!,
    engineConcurrency: count(values['engine-concurrency'], '--engine-concurrency')!,
    remoteConcurrency: count(values['remote-concurrency'], '--remote-concurrency')!,
    remoteLimit: count(values['remote-limit'], '--remote-limit'),
    remoteBaselineLimit: count(values['remote-baseline-limit'], '--remote-baseline-limit')!,
    remoteLatency: count(values['remote-latency'], '--remote-latency')!,
    skipEngine: values['skip-engine'],
    skipRemote: values['skip-remote'],
    json: values.json,
  };
}
