import type { Dialect, Kysely } from 'kysely';

/** Which database a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** What each backend (`dialect.sqlite.ts`, `dialect.postgres.ts`) supplies to `openDatabase`. */
export interface StoreDialect {
  name: DialectName;
  dialect: Dialect;
  /** The schema that holds Kysely's migration tables, or undefined where schemas don't exist. */
  migrationTableSchema<DB>(db: Kysely<DB>): Promise<string | undefined>;
  /** Runs `task` alone among this process's opens of the same database (migrations). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}
