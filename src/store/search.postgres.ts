// Message search on PostgreSQL: websearch_to_tsquery over the stored `search_vector` (GIN
// index, migration 0002, built from the text with accents folded since 0014; the query is
// folded the same way), restricted to the caller by `messages.user_id` and newest first
// (b-tree on user_id, created_at: migration 0004). The planner picks per query: for a common
// word, walk the caller's messages newest first and stop at the limit; for a rare one, AND
// the GIN and b-tree bitmaps and sort the few rows left. Snippets are cut in JavaScript from
// the query's lexemes, for the returned rows only.
import { sql, type Kysely } from 'kysely';
import type { Database, MessageRole } from './database.js';
import type { MessageSearchHit, MessageSearchQuery, MessagesToForget } from './search.js';
import { foldAccents } from './search-fold.js';
import { snippetAround } from './search-snippet.js';

/** The lexemes of a tsquery's text form (`'red' <-> 'wine' & 'l''eau'`), unescaped. */
export function tsqueryLexemes(query: string): string[] {
  return [...query.matchAll(/'((?:[^'\\]|''|\\.)*)'/g)].map(([, lexeme]) =>
    lexeme!.replace(/''/g, "'").replace(/\\(.)/g, '$1'),
  );
}

/** Searches the user's messages on PostgreSQL. */
export async function searchMessagesPostgres(
  db: Kysely<Database>,
  query: MessageSearchQuery,
): Promise<MessageSearchHit[]> {
  if (!query.text.trim()) return [];
  // Folded as the stored vector is (migration 0014), so accents never decide a match.
  const text = foldAccents(query.text);
  // The inner query finds the rows; content and title are read for the returned ones only.
  // querytree() drops negated terms, which are not highlighted.
  const result = await sql<{
    message_id: string;
    conversation_id: string;
    role: MessageRole;
    title: string;
    content: string;
    terms: string;
  }>`
    select m.id as message_id, m.conversation_id, m.role, c.title, m.content,
      querytree(websearch_to_tsquery('simple', ${text})) as terms
    from (
      select id, created_at from messages
      where user_id = ${query.userId}
        and search_vector @@ websearch_to_tsquery('simple', ${text})
      order by created_at desc, id desc
      limit ${query.limit}
    ) hits
    join messages m on m.id = hits.id
    -- Arena battles (kind 'arena') are not chats and temporary chats are never searched: their
    -- hits are dropped here, after the limit, so a page may hold fewer hits when they match too.
    join conversations c on c.id = m.conversation_id and c.user_id = ${query.userId}
      and c.kind = 'chat' and c.temporary = 0
    order by hits.created_at desc, hits.id desc`.execute(db);
  return result.rows.map((row) => ({
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.message_id,
    role: row.role,
    ...snippetAround(row.content, tsqueryLexemes(row.terms)),
  }));
}

/**
 * Nothing to do before deleting messages on PostgreSQL: the index is the row's own
 * `search_vector`, so deleting the row deletes its entry. The dead row version stays on disk
 * until (auto)vacuum reclaims it, as for every deleted row.
 */
export async function forgetMessagesPostgres(
  _trx: Kysely<Database>,
  _which: MessagesToForget,
): Promise<void> {}
