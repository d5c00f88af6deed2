// The tables as Kysely sees them. Column names are snake_case, as stored; repositories map rows
// to camelCase records at their edge.
//
// Conventions shared by every table (and every future migration):
// - ids are text (`newId(prefix)`), never database sequences, so both dialects agree;
// - timestamps are ISO 8601 UTC text from `Date#toISOString()` (see `Timestamp`);
// - booleans are integer 0/1 (SQLite has no boolean type; Postgres reads integers back as numbers).

/**
 * An instant as ISO 8601 UTC text, e.g. `2025-01-31T12:00:00.000Z`. Chosen over bigint ms because
 * it reads the same on both dialects with no driver type parsers (pg returns int8 as a string),
 * stays legible in `sqlite3` and `psql`, and, being fixed-width UTC, sorts chronologically as text.
 */
export type Timestamp = string;

/** Who a user is to the instance. */
export type UserRole = 'owner' | 'admin' | 'member';

/** `users`: one row per account; `email` is stored lower-cased and is unique. */
export interface UsersTable {
  id: string;
  email: string;
  /** Null for accounts that only sign in through an identity provider. */
  password_hash: string | null;
  display_name: string | null;
  role: UserRole;
  created_at: Timestamp;
  updated_at: Timestamp;
  disabled_at: Timestamp | null;
}

/** `api_keys`: only the hash of a key is stored; `prefix` is what the owner sees in lists. */
export interface ApiKeysTable {
  id: string;
  name: string;
  /** Null for instance-level keys not tied to a user. */
  user_id: string | null;
  prefix: string;
  key_hash: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** Every table Salon stores. */
export interface Database {
  users: UsersTable;
  api_keys: ApiKeysTable;
}

/** The stored form of an instant (defaults to now). */
export function toTimestamp(date: Date = new Date()): Timestamp {
  return date.toISOString();
}
