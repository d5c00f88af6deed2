import type { Kysely } from 'kysely';
import { toTimestamp, type Database } from '../store/database.js';

/**
 * Marks every message still `streaming` as `interrupted`, keeping its text: at start-up, no run
 * of an earlier process can still be writing. Returns how many there were. (With several
 * replicas on one database this would also catch runs alive elsewhere; leases will fix that.)
 */
export async function markInterruptedRuns(db: Kysely<Database>): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'interrupted', updated_at: toTimestamp() })
    .where('status', '=', 'streaming')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
