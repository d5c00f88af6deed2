// Checking a presented API key: one indexed look-up by hash (joined with its owner), a short
// in-process cache of positive results, and a last-used stamp written at most once a minute.
import type { Kysely } from 'kysely';
import { toTimestamp, type Database } from '../store/database.js';
import { ApiKeyCache } from './api-key-cache.js';
import { apiKeyShape, hashApiKey, toApiKey, type VerifiedApiKey } from './api-key-record.js';
import { toUser } from './users.js';

// Writing last_used_at on every request would turn each call into a write; once a minute is
// plenty for "last used" in a list.
const touchIntervalMs = 60_000;

// One cache per database handle: a key verified against one store must not pass in another.
const caches = new WeakMap<object, ApiKeyCache<VerifiedApiKey>>();

function cacheFor(db: Kysely<Database>): ApiKeyCache<VerifiedApiKey> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new ApiKeyCache()));
  return cache;
}

/**
 * Drops keys from this process's cache only; `forgetApiKeys` (api-key-evictions.ts) does it on
 * every replica.
 */
export function evictCachedApiKeys(db: Kysely<Database>, ids: readonly string[]): void {
  caches.get(db)?.evict(ids);
}

async function findByHash(db: Kysely<Database>, keyHash: string) {
  const row = await db
    .selectFrom('api_keys')
    .leftJoin('users', 'users.id', 'api_keys.user_id')
    .selectAll('api_keys')
    .select([
      'users.email as user_email',
      'users.display_name as user_display_name',
      'users.role as user_role',
      'users.org_id as user_org_id',
      'users.created_at as user_created_at',
      'users.updated_at as user_updated_at',
      'users.disabled_at as user_disabled_at',
    ])
    .where('api_keys.key_hash', '=', keyHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { user_id: id, user_email: email, user_role: role } = row;
  const user =
    id && email && role
      ? toUser({
          id,
          email,
          role,
          org_id: row.user_org_id ?? '',
          password_hash: null,
          display_name: row.user_display_name,
          created_at: row.user_created_at ?? '',
          updated_at: row.user_updated_at ?? '',
          disabled_at: row.user_disabled_at,
        })
      : null;
  return { ...toApiKey(row), user } satisfies VerifiedApiKey;
}

function isUsable(key: VerifiedApiKey, now: Date): boolean {
  if (key.revokedAt) return false;
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) return false;
  return !key.user?.disabledAt;
}

/** True when the key's `last_used_at` is older than the interval (or unset). */
function touchDue(key: VerifiedApiKey, now: Date): boolean {
  return !key.lastUsedAt || now.getTime() - Date.parse(key.lastUsedAt) >= touchIntervalMs;
}

async function touch(db: Kysely<Database>, key: VerifiedApiKey, now: Date): Promise<void> {
  const stamp = toTimestamp(now);
  const stale = toTimestamp(new Date(now.getTime() - touchIntervalMs));
  key.lastUsedAt = stamp;
  // The condition makes replicas racing on the same key write once between them. The stamp is
  // bookkeeping: a failed write (a locked SQLite file, say) must not fail the request it rides on.
  await db
    .updateTable('api_keys')
    .set({ last_used_at: stamp })
    .where('id', '=', key.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute()
    .catch(() => undefined);
}

/**
 * The key's record and owner, or undefined for an unknown, revoked or expired key or a disabled
 * owner. Positive results are cached in-process for 5 s (api-key-cache.ts): a revocation made on
 * another replica evicts them here as soon as its notice arrives over the bus, and within 5 s when
 * the notice is lost or the change came from a process without the bus. Treat the result as
 * read-only.
 */
export async function verifyApiKey(
  db: Kysely<Database>,
  key: string,
  now: Date = new Date(),
): Promise<VerifiedApiKey | undefined> {
  if (!apiKeyShape.test(key)) return undefined;
  const keyHash = hashApiKey(key);
  const cache = cacheFor(db);
  let verified = cache.get(keyHash, now.getTime());
  if (!verified) {
    const generation = cache.generation;
    verified = await findByHash(db, keyHash);
    if (!verified) return undefined;
    // Cached only when read from the database: refreshing on hits would let a busy key outlive
    // its revocation elsewhere forever.
    cache.set(keyHash, verified, generation, now.getTime());
  }
  if (!isUsable(verified, now)) return undefined;
  // Checked here rather than in `touch`: most requests need no write, nor a promise for one.
  if (touchDue(verified, now)) await touch(db, verified, now);
  return verified;
}
