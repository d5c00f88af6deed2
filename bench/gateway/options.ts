// The bench's command line. Every knob applies to the three paths alike.
import path from 'node:path';
import { parseArgs } from 'node:util';

/** What one bench run measures. */
export interface GatewayBenchOptions {
  /** Measured requests per path and mode at concurrency 1. */
  requests: number;
  /**
   * Unmeasured seconds per path and mode at `concurrency` before the first round. The JIT needs
   * thousands of requests: Salon's CPU per request fell from ~4 ms to ~0.7 ms over its first
   * 10,000 in a trial run, so a short warm-up would measure the compiler, not the gateway.
   */
  warmup: number;
  /** Requests in flight for the throughput phase. */
  concurrency: number;
  /** Seconds per path and mode at `concurrency`, summed over the rounds. */
  duration: number;
  /** The measured work is cut into this many rounds; the paths take turns within each. */
  rounds: number;
  /** Leave Portkey out (no comparison point, only the direct call). */
  portkey: boolean;
  /** Where Salon writes a V8 CPU profile, whose top self-time functions are printed; off when unset. */
  profileDir?: string;
  json: boolean;
}

/** The command line, for --help and errors. */
export const gatewayBenchUsage = `usage: npm run bench:gateway -- [--requests N] [--warmup SECONDS] [--concurrency N]
       [--duration SECONDS] [--rounds N] [--no-portkey] [--profile DIR] [--json]`;

/** Parses argv (undefined for --help); throws with the usage text on a bad flag. */
export function parseGatewayBenchOptions(argv: string[]): GatewayBenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      requests: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      duration: { type: 'string', default: '12' },
      rounds: { type: 'string', default: '8' },
      'no-portkey': { type: 'boolean', default: false },
      profile: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const rounds = positive(values.rounds, '--rounds');
  const requests = positive(values.requests, '--requests');
  if (requests < rounds) {
    throw new Error(
      `--requests ${requests} is fewer than --rounds ${rounds}\n${gatewayBenchUsage}`,
    );
  }
  const duration = seconds(values.duration, '--duration');
  return {
    requests,
    warmup: seconds(values.warmup, '--warmup', true),
    concurrency: positive(values.concurrency, '--concurrency'),
    duration,
    rounds,
    portkey: !values['no-portkey'],
    profileDir: values.profile ? path.resolve(values.profile) : undefined,
    json: values.json,
  };
}

function seconds(value: string, flag: string, allowZero = false): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || (number === 0 && !allowZero)) {
    const kind = allowZero ? 'a non-negative' : 'a positive';
    throw new Error(`${flag}: '${value}' is not ${kind} number of seconds\n${gatewayBenchUsage}`);
  }
  return number;
}

function positive(value: string, flag: string, min = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min)
    throw new Error(`${flag}: '${value}' is not an integer ≥ ${min}\n${gatewayBenchUsage}`);
  return number;
}
