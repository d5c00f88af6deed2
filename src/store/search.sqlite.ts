// Message search on SQLite: the FTS5 index `messages_fts` (migration 0002), ranked by bm25.
import { sql, type Kysely } from 'kysely';
import type { Database, MessageRole } from './database.js';
import { toFts5Query } from './fts5-query.js';
import type { MessageSearchHit, MessageSearchQuery } from './search.js';
import { matchEnd, matchStart, parseMarkedSnippet } from './search-snippet.js';

// Tokens of context around the best match (FTS5 allows at most 64).
const snippetTokens = 24;

/** Searches the user's messages on SQLite. */
export async function searchMessagesSqlite(
  db: Kysely<Database>,
  query: MessageSearchQuery,
): Promise<MessageSearchHit[]> {
  const match = toFts5Query(query.text);
  if (!match) return [];
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
    join messages m on m.rowid = messages_fts.rowid
    join conversations c on c.id = m.conversation_id
    where messages_fts match ${match} and c.user_id = ${query.userId}
    order by messages_fts.rank
    limit ${query.limit}`.execute(db);
  return result.rows.map((row) => ({
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.message_id,
    role: row.role,
    ...parseMarkedSnippet(row.marked),
  }));
}
