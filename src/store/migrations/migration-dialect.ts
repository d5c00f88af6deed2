/* eslint-disable @typescript-eslint/no-explicit-any -- frozen with the migrations that use it */
// The one place a migration learns which database it runs on, for the few objects that differ
// (full-text search). Frozen like the migrations: change it only by adding.
import { PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

/** The database a migration runs on. */
export type MigrationDialect = 'sqlite' | 'postgres';

/**
 * Reads the dialect from Kysely's adapter. Not a probing query: on PostgreSQL a failed query
 * aborts the migration's transaction. `getExecutor` is marked internal but is how Kysely's own
 * plugins reach the adapter; a Kysely upgrade that moved it fails here loudly, not silently.
 */
export function migrationDialect(db: Kysely<any>): MigrationDialect {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  throw new Error(`Unsupported database adapter: ${adapter.constructor.name}`);
}
