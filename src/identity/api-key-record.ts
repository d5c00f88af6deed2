// The shape of an API key and its stored form. Keys are `sk-salon-` + 40 base62 characters
// (about 238 random bits) and only a SHA-256 of the whole key is stored. A fast hash is right
// here, unlike for passwords: the input is long and uniformly random, so there is nothing to
// guess and slowing each guess buys nothing, while every request pays for the hash.
import { hash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { ApiKeysTable } from '../store/database.js';
import { keyLimitsFromRow, type ApiKeyLimits } from './api-key-limits.js';
import type { User } from './users.js';

/** An API key's record; the key itself is never stored. */
export interface ApiKey {
  id: string;
  name: string;
  userId: string | null;
  /** The organisation of the key's user (or of an organisation key); null for instance keys. */
  orgId: string | null;
  /** The key's first characters, e.g. `sk-salon-ab12`, to tell keys apart in lists. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** The models, rates and budget this key is held to (a virtual key's own limits). */
  limits: ApiKeyLimits;
}

/** A key that `verifyApiKey` accepted, with its owner (null for instance-level keys). */
export interface VerifiedApiKey extends ApiKey {
  user: User | null;
}

/** Every key starts with this. */
export const apiKeyPrefix = 'sk-salon-';

/** The exact shape of a key; anything else is rejected before hashing or querying. */
export const apiKeyShape = /^sk-salon-[0-9A-Za-z]{40}$/;

/** The stored digest of a key: SHA-256, lower-case hex. */
export function hashApiKey(key: string): string {
  return hash('sha256', key);
}

/** The row → record mapping. */
export function toApiKey(row: Selectable<ApiKeysTable>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    userId: row.user_id,
    orgId: row.org_id,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    limits: keyLimitsFromRow(row),
  };
}
