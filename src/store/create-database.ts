import { Kysely } from 'kysely';
import { ConfigError } from '../lib/errors.js';
import type { Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { DialectName, StoreDialect } from './store-dialect.js';

/** An open, migrated database. */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Closes every connection; safe to call more than once. */
  close(): Promise<void>;
}

/** Where the data lives: `databaseUrl` (postgres://…) wins; otherwise SQLite in `dataDir`. */
export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
}

const postgresUrl = /^postgres(ql)?:\/\//i;

async function createDialect(options: OpenDatabaseOptions): Promise<StoreDialect> {
  const url = options.databaseUrl?.trim();
  if (!url) return (await import('./dialect.sqlite.js')).createSqliteDialect(options);
  if (postgresUrl.test(url)) {
    return (await import('./dialect.postgres.js')).createPostgresDialect({ databaseUrl: url });
  }
  // A typo here must not quietly start an empty SQLite database next to the real one.
  throw new ConfigError(
    'DATABASE_URL must start with postgres:// or postgresql:// (leave it unset to use SQLite).',
  );
}

/** Opens the database and applies pending migrations (safe with several replicas at once). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Store> {
  const setup = await createDialect(options);
  const db = new Kysely<Database>({ dialect: setup.dialect });
  try {
    await setup.exclusive(async () => migrateToLatest(db, await setup.migrationTableSchema(db)));
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return { db, dialect: setup.name, close: () => (closing ??= db.destroy()) };
}
