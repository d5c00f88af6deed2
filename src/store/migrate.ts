import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as chat from './migrations/0002-chat.js';
import * as sessions from './migrations/0003-sessions.js';
import * as searchByOwner from './migrations/0004-search-by-owner.js';
import * as providers from './migrations/0005-providers.js';
import * as usageAndKeyLimits from './migrations/0006-usage-and-key-limits.js';
import * as evals from './migrations/0007-evals.js';
import * as arena from './migrations/0008-arena.js';
import * as organisations from './migrations/0009-organisations.js';
import * as usageDaily from './migrations/0010-usage-daily.js';
import * as runLeases from './migrations/0011-run-leases.js';
import * as usageCoarseRollups from './migrations/0012-usage-coarse-rollups.js';
import * as usageActiveDays from './migrations/0013-usage-active-days.js';
import * as accentInsensitiveSearch from './migrations/0014-accent-insensitive-search.js';

/** Every migration, in order. Add a new file for each change; never edit one that has shipped. */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-chat': chat,
  '0003-sessions': sessions,
  '0004-search-by-owner': searchByOwner,
  '0005-providers': providers,
  '0006-usage-and-key-limits': usageAndKeyLimits,
  '0007-evals': evals,
  '0008-arena': arena,
  '0009-organisations': organisations,
  '0010-usage-daily': usageDaily,
  '0011-run-leases': runLeases,
  '0012-usage-coarse-rollups': usageCoarseRollups,
  '0013-usage-active-days': usageActiveDays,
  '0014-accent-insensitive-search': accentInsensitiveSearch,
};

/** The names of every migration, in the order they apply. */
export const migrationNames: readonly string[] = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Applies pending migrations; returns the names applied (none when already up to date). */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  migrationTableSchema?: string,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableSchema });
  let outcome = await migrator.migrateToLatest();
  // Before migrating, Kysely looks for its tables across every schema of the database; a schema
  // that someone else drops during that scan fails it with "schema … does not exist" (3F000)
  // though nothing of ours is wrong. Nothing was applied yet, so looking again is safe.
  for (let retry = 0; retry < 3 && isDroppedSchemaError(outcome.error); retry++) {
    outcome = await migrator.migrateToLatest();
  }
  const { error, results = [] } = outcome;
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Database migration${failed ? ` ${failed}` : ''} failed: ${reason}`, {
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}

function isDroppedSchemaError(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '3F000';
}
