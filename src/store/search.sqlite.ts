// Message search on SQLite: one MATCH on the FTS5 index `messages_fts` (migration 0004), whose
// second column holds each message's owner, so the index itself keeps only the caller's rows.
// Newest first: FTS5 walks its doclists in descending rowid (= insertion) order and stops at
// the limit, so a word found in half of all messages costs no more than a rare one, and
// snippet() runs for the returned rows only.
import { sql, type Kysely } from 'kysely';
import type { Database, MessageRole } from './database.js';
import { toFts5Query } from './fts5-query.js';
import type { MessageSearchHit, MessageSearchQuery, MessagesToForget } from './search.js';
import { matchEnd, matchStart, parseMarkedSnippet } from './search-snippet.js';

// Tokens of context around the best match (FTS5 allows at most 64).
const snippetTokens = 24;

/** The owner token migration 0004 indexes: SQLite's hex() of the id (case folds away). */
function ownerToken(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('hex');
}

/** Searches the user's messages on SQLite. */
export async function searchMessagesSqlite(
  db: Kysely<Database>,
  query: MessageSearchQuery,
): Promise<MessageSearchHit[]> {
  const match = toFts5Query(query.text);
  if (!match) return [];
  // The column filters keep the user's words off the owner column and the owner off theirs.
  const owned = `owner : "${ownerToken(query.userId)}" AND content : (${match})`;
  // CROSS JOIN keeps FTS5 the outer loop whatever the statistics say: it yields the caller's
  // rows newest first, so the loop stops at the limit. The owner is checked once more on
  // conversations, for the few rows returned; arena battles and temporary chats are left out.
  const result = await sql<{
    message_id: string;
    conversation_id: string;
    role: MessageRole;
    title: string;
    marked: string;
  }>`
    select m.id as message_id, m.conversation_id, m.role, c.title,
      snippet(messages_fts, 0, ${matchStart}, ${matchEnd}, '…', ${snippetTokens}) as marked
    from messages_fts
    cross join messages m on m.rowid = messages_fts.rowid
    cross join conversations c on c.id = m.conversation_id
    where messages_fts match ${owned} and c.user_id = ${query.userId} and c.kind = 'chat'
      and c.temporary = 0
    order by messages_fts.rowid desc
    limit ${query.limit}`.execute(db);
  return result.rows.map((row) => ({
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.message_id,
    role: row.role,
    ...parseMarkedSnippet(row.marked),
  }));
}

/**
 * Takes messages out of the index for good, before they are deleted: with FTS5's `secure-delete`
 * on, their words are removed from the index's pages at once, where a plain delete only adds a
 * tombstone and leaves the words on disk until a merge happens to rewrite those pages. Unsetting
 * `user_id` is what unindexes a row (migration 0004's update trigger). Setting the option once
 * upgrades the index's format to FTS5 version 5 (SQLite 3.42+, which better-sqlite3 bundles).
 */
export async function forgetMessagesSqlite(
  trx: Kysely<Database>,
  which: MessagesToForget,
): Promise<void> {
  const where =
    'userId' in which
      ? sql`user_id = ${which.userId}`
      : sql`conversation_id in (${sql.join(which.conversationIds)})`;
  await sql`insert into messages_fts(messages_fts, rank) values ('secure-delete', 1)`.execute(trx);
  await sql`update messages set user_id = null where user_id is not null and ${where}`.execute(trx);
  await sql`insert into messages_fts(messages_fts, rank) values ('secure-delete', 0)`.execute(trx);
}
