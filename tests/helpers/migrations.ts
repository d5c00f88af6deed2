// For migration tests: a Migrator over the same migrations and tables openDatabase uses, to
// step down and up again, and a check of what the schema can be read for.
import { Migrator, sql, type Kysely } from 'kysely';
import { migrations } from '../../src/store/migrate.js';
import type { Database } from '../../src/store/database.js';
import type { TestDatabase } from './stores.js';

/** A Migrator on `db`, keeping its tables where openDatabase does (the test schema on PostgreSQL). */
export async function testMigrator(
  db: Kysely<Database>,
  database: TestDatabase,
): Promise<Migrator> {
  const schema = database.options.databaseUrl
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema
    : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

/**
 * Whether `table` (or one of its columns) can be read. A query, not Kysely's introspection: on
 * PostgreSQL that lists every schema's tables, other test runs' included.
 */
export async function readable(
  db: Kysely<Database>,
  table: string,
  column = '*',
): Promise<boolean> {
  const what = column === '*' ? sql`*` : sql.ref(column);
  return sql`select ${what} from ${sql.table(table)} limit 0`.execute(db).then(
    () => true,
    () => false,
  );
}
