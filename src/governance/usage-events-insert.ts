// Inserts a batch of usage ledger rows in chunks of a few fixed sizes, with each size's SQL
// compiled by Kysely once and reused: building and compiling the query tree of every value (16
// columns × up to 200 rows) was the ledger's largest cost per row (bench/gateway profile), and a
// handful of repeated SQL texts also lets SQLite reuse their prepared statements
// (store/sqlite-statements.ts).
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Database, UsageEventsTable } from '../store/database.js';

/** Rows per insert statement: a batch of any size is cut into these, largest first. */
const chunkSizes = [64, 16, 4, 1] as const;

/** Compiled inserts by row count, for one database (the SQL differs between dialects). */
export class UsageEventsInsert {
  readonly #sql = new Map<number, { text: string; columns: readonly string[] }>();

  /** Inserts `rows` (each with the same columns, none undefined) into `usage_events`. */
  async run(db: Kysely<Database> | Transaction<Database>, rows: readonly UsageEventsTable[]) {
    let start = 0;
    for (const size of chunkSizes) {
      while (rows.length - start >= size) {
        await this.#insert(db, rows.slice(start, start + size));
        start += size;
      }
    }
  }

  async #insert(db: Kysely<Database> | Transaction<Database>, rows: UsageEventsTable[]) {
    const known = this.#sql.get(rows.length);
    if (known) {
      const parameters: unknown[] = [];
      for (const row of rows) {
        for (const column of known.columns) parameters.push(row[column as keyof UsageEventsTable]);
      }
      await db.executeQuery(CompiledQuery.raw(known.text, parameters));
      return;
    }
    const query = db.insertInto('usage_events').values(rows).compile();
    // Kept only when the parameters are the rows' values in one column order, as Kysely lays
    // them out for rows that all have the same keys; anything else is simply not reused.
    const columns = Object.keys(rows[0]!);
    const expected = rows.flatMap((row) =>
      columns.map((column) => row[column as keyof UsageEventsTable]),
    );
    const sameLayout =
      expected.length === query.parameters.length &&
      expected.every((value, index) => Object.is(value, query.parameters[index]));
    if (sameLayout) this.#sql.set(rows.length, { text: query.sql, columns });
    await db.executeQuery(query);
  }
}
