// The Lua scripts of the Redis run bus. A script runs alone on the server, so numbering an event,
// storing it and announcing it happen as one step across every replica.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Appends one event. KEYS: the run's stream, its meta hash. ARGV: type, data JSON, append token,
 * event channel, orphan TTL (ms). Returns the event's sequence number.
 *
 * The number comes from HINCRBY on `meta.seq` and is the stream entry id (`<seq>-0`), so ids stay
 * consecutive from 1. `meta.tok` remembers the last append's token: ioredis resends a command
 * that was in flight when the connection dropped, and a resent append must not store the event
 * twice. Keys get the orphan TTL while they have none (a run whose process died never calls
 * `end`). The announcement carries the event (`seq\ndata\ntype`: JSON has no raw newline), so
 * subscribers need no read.
 */
export const appendScript = `
local meta = KEYS[2]
if redis.call('HGET', meta, 'tok') == ARGV[3] then
  return tonumber(redis.call('HGET', meta, 'seq'))
end
local seq = redis.call('HINCRBY', meta, 'seq', 1)
redis.call('HSET', meta, 'tok', ARGV[3])
redis.call('XADD', KEYS[1], seq .. '-0', 't', ARGV[1], 'd', ARGV[2])
for i = 1, 2 do
  if redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
end
redis.call('PUBLISH', ARGV[4], seq .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[1])
return seq
`;

/**
 * Cancels a run once. KEYS: its cancel flag. ARGV: flag TTL (ms), cancel channel, run id. The
 * flag lets a listener registered later see the cancel; the announcement reaches the ones
 * already listening, on every replica, and goes out only the first time.
 */
export const cancelScript = `
if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 0
`;

/** Ends a run: every key given expires after ARGV[1] ms (the ones that exist). */
export const endScript = `
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 0
`;

/** A Lua script run by its SHA1 (its body crosses the wire once per server). */
export class LuaScript {
  readonly #sha: string;

  constructor(private readonly source: string) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script, loading it when the server lacks it. */
  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
