// `salon keys revoke` runs beside the servers, not inside them. With REDIS_URL set it tells them
// over the bus to drop the key from their caches at once, as a revocation through the admin API
// does; without it, or when Redis does not answer, they stop accepting the key when their cached
// copy expires, within 5 s.
import type { Kysely } from 'kysely';
import { RedisBus } from '../bus/redis.js';
import { shareApiKeyEvictions } from '../identity/api-key-evictions.js';
import type { Database } from '../store/database.js';

// A command line must not hang on Redis: past this the servers' 5 s expiry does the work.
const redisTimeoutMs = 3_000;

/**
 * Makes key evictions on `db` reach the servers sharing `redisUrl` until the function returned is
 * called; does nothing without a URL. Never throws: it says on stderr what it could not do.
 */
export async function tellServersOfKeyEvictions(
  db: Kysely<Database>,
  redisUrl: string | undefined,
  command: string,
): Promise<() => Promise<void>> {
  if (!redisUrl) return async () => undefined;
  const log = (message: string) =>
    console.error(`salon ${command}: ${message} (servers will stop accepting it within 5 s)`);
  try {
    const bus = await RedisBus.connect(redisUrl, { commandTimeoutMs: redisTimeoutMs });
    const stop = await shareApiKeyEvictions(db, bus, log);
    return async () => {
      stop();
      await bus.close();
    };
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return async () => undefined;
  }
}
