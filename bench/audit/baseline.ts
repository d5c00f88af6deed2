// The baseline: read every audit row the way verification does (keyset pages in seq order,
// the same columns) and hash nothing, so the difference is the cost of checking the chain.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';

/** Reads the whole log in pages of `batchSize`; returns the number of rows. */
export async function readWholeLog(db: Kysely<Database>, batchSize: number): Promise<number> {
  let rows = 0;
  let next = 1;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', next)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    rows += page.length;
    if (page.length < batchSize) return rows;
    next = Number(page[page.length - 1]!.seq) + 1;
  }
}
