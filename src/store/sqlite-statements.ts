// Kysely's SQLite driver prepares every query it runs. Preparing is SQLite parsing and planning
// the SQL again, a large share of a small query's cost, and of the usage ledger's batch inserts
// (bench/gateway profile). This cache keeps the statements of the SQL texts seen most recently
// and hands them out again: better-sqlite3 statements are reusable, and SQLite prepares one again
// by itself after a schema change.
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** A better-sqlite3 statement, as far as the cache needs it. */
interface Statement extends SqliteStatement {
  /** True while an `iterate()` over it is open: it cannot run again until that ends. */
  readonly busy: boolean;
}

/** A better-sqlite3 database, as far as the cache needs it. */
export interface StatementDatabase {
  prepare(sql: string): Statement;
  close(): void;
}

/** Statements kept: the app's distinct queries fit, a stream of one-off SQL cannot grow it. */
const maxStatements = 500;

/** `database` for Kysely, preparing each SQL text once while it stays among the recent ones. */
export class CachedStatements implements SqliteDatabase {
  readonly #statements = new Map<string, Statement>();

  constructor(private readonly database: StatementDatabase) {}

  prepare(sql: string): SqliteStatement {
    const cached = this.#statements.get(sql);
    // A statement being iterated (a streamed query) is busy: this caller gets its own.
    if (cached && !cached.busy) {
      // Most recently used last, so that the first entry is the one to evict.
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    if (cached) return statement;
    this.#statements.set(sql, statement);
    if (this.#statements.size > maxStatements) {
      this.#statements.delete(this.#statements.keys().next().value!);
    }
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.database.close();
  }
}
