// Counters in Redis, shared by every replica. Each operation is one Lua script, so a check and
// its increments are atomic across replicas (Redis runs one script at a time). Windows are key
// TTLs: the first count sets PEXPIRE, later counts keep it. Standalone Redis only: a take spans
// several keys, which Redis Cluster would refuse unless they shared a slot.
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CounterCheck, CounterSpec, CounterState, Counters, TakeResult } from './counters.js';

// ARGV holds, per key, its limit, amount and window. Returns allowed, then value and PTTL per key.
const takeScript = `
local allowed = 1
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[3 * i - 2]) then allowed = 0 end
end
local out = { allowed }
for i = 1, #KEYS do
  local amount = tonumber(ARGV[3 * i - 1])
  local value
  if allowed == 1 and amount > 0 then
    value = redis.call('INCRBY', KEYS[i], amount)
    if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i]) end
  else
    value = tonumber(redis.call('GET', KEYS[i]) or '0')
  end
  out[#out + 1] = value
  out[#out + 1] = math.max(redis.call('PTTL', KEYS[i]), 0)
end
return out
`;

const addScript = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return { value, math.max(redis.call('PTTL', KEYS[1]), 0) }
`;

const seedScript = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
return { tonumber(redis.call('GET', KEYS[1])), math.max(redis.call('PTTL', KEYS[1]), 0) }
`;

const keyPrefix = 'salon:counter:';

/** Options for RedisCounters. */
export interface RedisCountersOptions {
  /** Told about connection trouble (at most once per outage). */
  log?: (message: string) => void;
}

/** Counters in Redis, shared by every replica. */
export class RedisCounters implements Counters {
  readonly #redis: Redis;
  readonly #shas = new Map<string, string>();

  private constructor(redis: Redis) {
    this.#redis = redis;
  }

  /** Connects to `url`; rejects with a message naming the (redacted) URL when Redis is unreachable. */
  static async connect(url: string, options: RedisCountersOptions = {}): Promise<RedisCounters> {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 3_000,
      // Fail a command at once while disconnected instead of queueing it: a request must not
      // wait on an outage (the limiter decides what a failed count means).
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // …nor on a Redis that accepts commands and never answers.
      commandTimeout: 1_000,
    });
    let reported = false;
    redis.on('error', (error: Error) => {
      if (reported) return;
      reported = true;
      options.log?.(`Redis counters at ${redact(url)}: ${error.message}`);
    });
    redis.on('ready', () => (reported = false));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`REDIS_URL: cannot connect to ${redact(url)}: ${reason}`, { cause: error });
    }
    return new RedisCounters(redis);
  }

  async take(checks: readonly CounterCheck[]): Promise<TakeResult> {
    if (checks.length === 0) return { allowed: true, states: [] };
    const args = checks.flatMap((check) => [check.limit, check.amount, windowOf(check)]);
    const reply = (await this.#run(
      takeScript,
      checks.map((check) => keyPrefix + check.name),
      args,
    )) as number[];
    const states = checks.map((_, i) => ({
      value: Number(reply[1 + 2 * i]),
      resetMs: Number(reply[2 + 2 * i]),
    }));
    return { allowed: Number(reply[0]) === 1, states };
  }

  async add(spec: CounterSpec, amount: number): Promise<CounterState> {
    return toState(await this.#run(addScript, [keyPrefix + spec.name], [amount, windowOf(spec)]));
  }

  async seed(spec: CounterSpec, value: number): Promise<CounterState> {
    return toState(await this.#run(seedScript, [keyPrefix + spec.name], [value, windowOf(spec)]));
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  // EVALSHA first (the script body is sent once per connection), EVAL when Redis lacks it.
  async #run(script: string, keys: string[], args: number[]): Promise<unknown> {
    let sha = this.#shas.get(script);
    if (!sha) this.#shas.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    const integers = args.map((arg) => String(Math.round(arg)));
    try {
      return await this.#redis.evalsha(sha, keys.length, ...keys, ...integers);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#redis.eval(script, keys.length, ...keys, ...integers);
    }
  }
}

// PEXPIRE and SET PX refuse zero and fractions.
function windowOf(spec: CounterSpec): number {
  return Math.max(1, Math.ceil(spec.windowMs));
}

function toState(reply: unknown): CounterState {
  const [value, resetMs] = reply as [number, number];
  return { value: Number(value), resetMs: Number(resetMs) };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
