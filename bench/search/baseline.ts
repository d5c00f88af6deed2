// The baseline: the index alone. The same match as Salon's search, on the same database, with
// nothing else: no user filter, no ranking, no snippets; the first 20 rows the index gives.
import { sql } from 'kysely';
import type { Store } from '../../src/store/create-database.js';
import { toFts5Query } from '../../src/store/fts5-query.js';

/** Runs the bare index lookup for `text`; returns how many rows it gave. */
export async function searchIndexAlone(store: Store, text: string): Promise<number> {
  if (store.dialect === 'sqlite') {
    const match = toFts5Query(text);
    if (!match) return 0;
    const result = await sql`select rowid from messages_fts where messages_fts match ${match}
      limit 20`.execute(store.db);
    return result.rows.length;
  }
  const result = await sql`select id from messages
    where search_vector @@ websearch_to_tsquery('simple', ${text}) limit 20`.execute(store.db);
  return result.rows.length;
}
