// Message search on PostgreSQL: websearch_to_tsquery over the stored `search_vector` (GIN
// index, migration 0002), ranked by ts_rank, with ts_headline choosing the snippet.
import { sql, type Kysely } from 'kysely';
import type { Database, MessageRole } from './database.js';
import type { MessageSearchHit, MessageSearchQuery } from './search.js';
import { matchEnd, matchStart, parseMarkedSnippet } from './search-snippet.js';

// One fragment of about as many words as SQLite's snippet has tokens.
const headlineOptions = [
  `StartSel="${matchStart}"`,
  `StopSel="${matchEnd}"`,
  'MaxFragments=1',
  'MaxWords=24',
  'MinWords=12',
  'ShortWord=1',
].join(', ');

/** Searches the user's messages on PostgreSQL. */
export async function searchMessagesPostgres(
  db: Kysely<Database>,
  query: MessageSearchQuery,
): Promise<MessageSearchHit[]> {
  if (!query.text.trim()) return [];
  // Rank and limit first, then build headlines for the few rows kept: ts_headline re-parses
  // the whole message, far too slow to run on every match.
  const result = await sql<{
    message_id: string;
    conversation_id: string;
    role: MessageRole;
    title: string;
    content: string;
    marked: string;
  }>`
    with q as (select websearch_to_tsquery('simple', ${query.text}) as query),
    hits as (
      select m.id, m.conversation_id, m.role, m.content, m.created_at, c.title,
        ts_rank(m.search_vector, q.query) as rank
      from q
      join messages m on m.search_vector @@ q.query
      join conversations c on c.id = m.conversation_id
      where c.user_id = ${query.userId}
      order by rank desc, m.created_at desc
      limit ${query.limit}
    )
    select hits.id as message_id, hits.conversation_id, hits.role, hits.title, hits.content,
      ts_headline('simple', hits.content, q.query, ${headlineOptions}) as marked
    from hits, q
    order by hits.rank desc, hits.created_at desc`.execute(db);
  return result.rows.map((row) => {
    const { snippet, highlights } = withEllipses(row.content, parseMarkedSnippet(row.marked));
    return {
      conversationId: row.conversation_id,
      conversationTitle: row.title,
      messageId: row.message_id,
      role: row.role,
      snippet,
      highlights,
    };
  });
}

const wordCharacter = /[\p{L}\p{N}]/u;

// ts_headline cuts at words and does not say where: put back the punctuation it dropped at
// either end, and an ellipsis where words were left out, as SQLite's snippet does.
function withEllipses(
  content: string,
  marked: { snippet: string; highlights: Array<[number, number]> },
): { snippet: string; highlights: Array<[number, number]> } {
  const at = content.indexOf(marked.snippet);
  const before = at < 0 ? 'x' : content.slice(0, at);
  const after = at < 0 ? 'x' : content.slice(at + marked.snippet.length);
  const head = wordCharacter.test(before) ? '…' : before;
  const tail = wordCharacter.test(after) ? '…' : after;
  return {
    snippet: head + marked.snippet + tail,
    highlights: marked.highlights.map(([start, end]) => [start + head.length, end + head.length]),
  };
}
