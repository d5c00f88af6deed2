// A key revoked, or whose owner was disabled, re-enabled, deleted or given another role, must stop
// (or start) working on every replica at once, not when each replica's cached copy expires. The
// change is written to the database first; then this process drops its copies and tells every
// replica sharing the bus to drop theirs. Redis pub/sub delivers at most once: a replica cut off
// from Redis at that moment keeps its copy until the cache's 5 s expiry (api-key-cache.ts).
import type { Kysely } from 'kysely';
import type { Broadcasts } from '../bus/broadcasts.js';
import type { Unsubscribe } from '../bus/bus.js';
import type { Database } from '../store/database.js';
import { evictCachedApiKeys } from './verify-api-key.js';

/** The broadcast topic of key evictions: a JSON array of key ids per message. */
export const apiKeyEvictionsTopic = 'api-key-evictions';

interface Link {
  broadcasts: Broadcasts;
  log: (message: string) => void;
}

// By database handle, as the caches are: a process may hold several stores (tests do).
const links = new WeakMap<object, Link>();

/**
 * From now on, evictions of keys of `db` reach every replica listening on `broadcasts`, and theirs
 * are applied to this process's cache. The function returned stops both.
 */
export async function shareApiKeyEvictions(
  db: Kysely<Database>,
  broadcasts: Broadcasts,
  log: (message: string) => void,
): Promise<Unsubscribe> {
  const stop = await broadcasts.onBroadcast(apiKeyEvictionsTopic, (message) => {
    const ids = parseIds(message);
    if (ids) evictCachedApiKeys(db, ids);
    else log(`ignored a malformed API key eviction notice: ${message.slice(0, 80)}`);
  });
  const link = { broadcasts, log };
  links.set(db, link);
  return () => {
    stop();
    if (links.get(db) === link) links.delete(db);
  };
}

/**
 * Drops these keys from the cache of this process at once and of every other replica as soon as
 * they hear of it. Call after the change is committed. Never throws: should the bus fail, the
 * change still applies everywhere within the caches' 5 s.
 */
export async function forgetApiKeys(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  evictCachedApiKeys(db, ids);
  const link = links.get(db);
  if (!link) return;
  await link.broadcasts
    .broadcast(apiKeyEvictionsTopic, JSON.stringify(ids))
    .catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      link.log(`could not tell other replicas to drop ${ids.length} API key(s): ${reason}`);
    });
}

function parseIds(message: string): string[] | undefined {
  try {
    const ids: unknown = JSON.parse(message);
    const valid = Array.isArray(ids) && ids.every((id) => typeof id === 'string');
    return valid ? (ids as string[]) : undefined;
  } catch {
    return undefined;
  }
}
