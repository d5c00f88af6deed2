// Deleting conversations with everything attached: their messages (and so the search index's
// rows, kept in step by triggers), shares, feedback, and arena battles with their votes, all
// removed by the foreign keys' cascades. One function for every path that deletes conversations
// (a user's delete, the retention job), so none of them forgets the trap below.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';

/**
 * Deletes these conversations and everything attached to them; returns how many were deleted.
 * Call inside a transaction, after deciding that they may go: nothing here checks an owner.
 */
export async function removeConversations(
  trx: Kysely<Database>,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  // Cut the parent links first: cascading along a long parent chain nests one trigger per
  // message, and SQLite stops at 1,000 levels ("too many levels of trigger recursion").
  await trx
    .updateTable('messages')
    .set({ parent_id: null })
    .where('conversation_id', 'in', ids)
    .execute();
  const result = await trx.deleteFrom('conversations').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
