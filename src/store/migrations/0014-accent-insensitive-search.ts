/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Accent-insensitive message search on PostgreSQL, as SQLite's FTS5 already is: the stored
// search vector is built from the text with accented Latin letters folded to their base letters
// (search-fold.ts), and queries fold the same way. Rebuilding the generated column rewrites the
// messages table once. SQLite: nothing to do.
import { sql, type Kysely } from 'kysely';
import { accentTable } from '../search-fold.js';
import { migrationDialect } from './migration-dialect.js';

async function rebuildSearchVector(db: Kysely<any>, source: ReturnType<typeof sql>): Promise<void> {
  await sql`drop index messages_search`.execute(db);
  await sql`alter table messages drop column search_vector`.execute(db);
  await sql`alter table messages add column search_vector tsvector
    generated always as (to_tsvector('simple', ${source})) stored`.execute(db);
  await sql`create index messages_search on messages using gin (search_vector)`.execute(db);
}

/** Indexes PostgreSQL messages with accents folded. */
export async function up(db: Kysely<any>): Promise<void> {
  if (migrationDialect(db) === 'sqlite') return;
  const { from, to } = accentTable;
  await rebuildSearchVector(db, sql`translate(content, ${sql.lit(from)}, ${sql.lit(to)})`);
}

/** Back to the plain text. */
export async function down(db: Kysely<any>): Promise<void> {
  if (migrationDialect(db) === 'sqlite') return;
  await rebuildSearchVector(db, sql`content`);
}
