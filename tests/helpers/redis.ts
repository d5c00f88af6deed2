// Redis for tests: a reachability probe (once per process) and unique key names, so suites and
// parallel runs sharing the server never see each other's counters.
import { Redis } from 'ioredis';
import { randomToken } from '../../src/lib/ids.js';
import { canRun } from './shared-files.js';

/** The server tests use: SALON_TEST_REDIS_URL, or the local default. */
export const redisTestUrl = process.env.SALON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let probe: Promise<string | undefined> | undefined;

/** Why the test server can't be used, or undefined when it can. */
export function redisUnavailableReason(): Promise<string | undefined> {
  probe ??= (async () => {
    const redis = new Redis(redisTestUrl, {
      lazyConnect: true,
      connectTimeout: 2_000,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    redis.on('error', () => undefined); // the failed connect() reports it
    try {
      await redis.connect();
      await redis.ping();
      return undefined;
    } catch (error) {
      return `cannot reach ${redisTestUrl}: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      redis.disconnect();
    }
  })();
  return probe;
}

/**
 * True when the Redis half of `suite` can run; otherwise warns loudly and returns false, or
 * throws under SALON_REQUIRE_ALL=1.
 */
export async function hasRedis(suite: string): Promise<boolean> {
  const reason = await redisUnavailableReason();
  return canRun(`${suite} on Redis`, !reason, `${reason} (set SALON_TEST_REDIS_URL)`);
}

/** A prefix no other test run uses, for counter names. */
export function uniqueTestPrefix(): string {
  return `test-${randomToken(10)}`;
}
