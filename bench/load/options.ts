// bench/load's command line: the streams part (how many, how long, how fast), the replicas part
// (concurrency, warm-up, measured time, rounds) and which parts run.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DialectName } from '../../src/store/store-dialect.js';
import { positiveInteger } from '../options.js';

/** What one bench run measures. */
export interface LoadBenchOptions {
  /** Concurrent SSE streams, direct and through Salon. */
  streams: number;
  /** How long each stream lasts, seconds. */
  seconds: number;
  /** Milliseconds between two chunks of one stream. */
  intervalMs: number;
  /** Seconds over which the streams are opened, spread evenly. */
  rampSeconds: number;
  /** The store of the Salon that serves the streams (PostgreSQL comes with Redis). */
  dialect: DialectName;
  /** Requests in flight for the replicas part. */
  concurrency: number;
  /** Unmeasured seconds per replica before the rounds. */
  warmup: number;
  /** Measured seconds per deployment (one replica, two), summed over the rounds. */
  duration: number;
  /** The measured time is cut into rounds in which one and two replicas take turns. */
  rounds: number;
  parts: { streams: boolean; replicas: boolean };
  /** Where the streaming Salon writes a V8 CPU profile, summed over its measured phase. */
  profileDir?: string;
  json: boolean;
}

/** The command line, for --help and errors. */
export const loadBenchUsage = `usage: npm run bench:load -- [--streams N] [--seconds S] [--interval-ms MS] [--ramp S]
       [--dialect sqlite|postgres] [--concurrency N] [--warmup S] [--duration S] [--rounds N]
       [--only streams|replicas] [--profile DIR] [--json]

  --streams N        concurrent SSE streams, straight to the mock and through one Salon (500)
  --seconds S        length of each stream (20); one chunk every --interval-ms (100)
  --ramp S           the streams are opened evenly over this many seconds (2)
  --dialect D        the streaming Salon's store: sqlite, or postgres with Redis (sqlite)
  --concurrency N    requests in flight for requests/s, one replica against two (64)
  --warmup S         unmeasured seconds per replica before measuring (5)
  --duration S       measured seconds per deployment, over --rounds rounds (16, 4)
  --only PART        run one part: streams or replicas
  --profile DIR      run the streaming Salon under --cpu-prof and print where its CPU went
  --json             print the report as JSON`;

/** Parses argv (undefined for --help); throws with the usage text on a bad flag. */
export function parseLoadBenchOptions(argv: string[]): LoadBenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      streams: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '20' },
      'interval-ms': { type: 'string', default: '100' },
      ramp: { type: 'string', default: '2' },
      dialect: { type: 'string', default: 'sqlite' },
      concurrency: { type: 'string', default: '64' },
      warmup: { type: 'string', default: '5' },
      duration: { type: 'string', default: '16' },
      rounds: { type: 'string', default: '4' },
      only: { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const integer = (value: string, flag: string, min = 1) =>
    positiveInteger(value, flag, loadBenchUsage, min);
  const dialect = values.dialect;
  if (dialect !== 'sqlite' && dialect !== 'postgres') {
    throw new Error(`--dialect: unknown '${dialect}' (sqlite, postgres)\n${loadBenchUsage}`);
  }
  const only = values.only;
  if (only !== undefined && only !== 'streams' && only !== 'replicas') {
    throw new Error(`--only: unknown '${only}' (streams, replicas)\n${loadBenchUsage}`);
  }
  const seconds = integer(values.seconds, '--seconds');
  const intervalMs = integer(values['interval-ms'], '--interval-ms');
  const rampSeconds = Number(values.ramp);
  if (!Number.isFinite(rampSeconds) || rampSeconds < 0) {
    throw new Error(`--ramp: '${values.ramp}' is not a number of seconds ≥ 0\n${loadBenchUsage}`);
  }
  // Memory is read while every stream is open: after the ramp, with a few seconds to spare.
  if (seconds < rampSeconds + 4) {
    throw new Error(
      `--seconds ${seconds} must exceed --ramp ${rampSeconds} by 4 or more\n${loadBenchUsage}`,
    );
  }
  return {
    streams: integer(values.streams, '--streams'),
    seconds,
    intervalMs,
    rampSeconds,
    dialect,
    concurrency: integer(values.concurrency, '--concurrency'),
    warmup: integer(values.warmup, '--warmup', 0),
    duration: integer(values.duration, '--duration'),
    rounds: integer(values.rounds, '--rounds'),
    parts: { streams: only !== 'replicas', replicas: only !== 'streams' },
    profileDir: values.profile ? path.resolve(values.profile) : undefined,
    json: values.json,
  };
}
