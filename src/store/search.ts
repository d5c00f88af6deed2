// Full-text search over one user's messages, behind one shape for both dialects. Each dialect
// marks matches inside its snippet with two control characters; `parseMarkedSnippet` turns
// them into ranges, so no HTML is ever built from message text.
import type { Kysely } from 'kysely';
import type { Database, MessageRole } from './database.js';
import { searchMessagesPostgres } from './search.postgres.js';
import { searchMessagesSqlite } from './search.sqlite.js';
import type { DialectName } from './store-dialect.js';

/** One matching message: a snippet of it and where the matches are in that snippet. */
export interface MessageSearchHit {
  conversationId: string;
  conversationTitle: string;
  messageId: string;
  role: MessageRole;
  snippet: string;
  /** [start, end) offsets into `snippet`, in UTF-16 code units (JavaScript string indices). */
  highlights: Array<[number, number]>;
}

/** What to search for, and for whom. */
export interface MessageSearchQuery {
  userId: string;
  /** Words and "quoted phrases"; `-word` excludes, `or` between terms widens. */
  text: string;
  limit: number;
}

/** One dialect's search. */
export type MessageSearch = (
  db: Kysely<Database>,
  query: MessageSearchQuery,
) => Promise<MessageSearchHit[]>;

const searches: Record<DialectName, MessageSearch> = {
  sqlite: searchMessagesSqlite,
  postgres: searchMessagesPostgres,
};

/** Searches the user's messages, best matches first. */
export function searchMessages(
  store: { db: Kysely<Database>; dialect: DialectName },
  query: MessageSearchQuery,
): Promise<MessageSearchHit[]> {
  return searches[store.dialect](store.db, query);
}
