// Full-text search over one user's messages, behind one shape for both dialects: the caller's
// matches newest first, each with a plain-text snippet and the ranges of its matches, so no
// HTML is ever built from message text. Newest first rather than best ranked is what keeps a
// search fast however common its words: each dialect's indexes yield the caller's matches in
// that order and stop at the limit, where ranking must score every match (bench/search).
import type { Kysely } from 'kysely';
import type { Database, MessageRole } from './database.js';
import { forgetMessagesPostgres, searchMessagesPostgres } from './search.postgres.js';
import { forgetMessagesSqlite, searchMessagesSqlite } from './search.sqlite.js';
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

/** Searches the user's messages, newest first. */
export function searchMessages(
  store: { db: Kysely<Database>; dialect: DialectName },
  query: MessageSearchQuery,
): Promise<MessageSearchHit[]> {
  return searches[store.dialect](store.db, query);
}

/** Messages about to be deleted: a user's, or those of some conversations. */
export type MessagesToForget = { userId: string } | { conversationIds: readonly string[] };

const forgetters: Record<
  DialectName,
  (trx: Kysely<Database>, which: MessagesToForget) => Promise<void>
> = {
  sqlite: forgetMessagesSqlite,
  postgres: forgetMessagesPostgres,
};

/**
 * Removes these messages' words from the search index at once and for good (retention and
 * erasure: deleted must mean gone). Call in the deleting transaction, before the delete.
 */
export async function forgetMessagesInSearch(
  trx: Kysely<Database>,
  dialect: DialectName,
  which: MessagesToForget,
): Promise<void> {
  if ('conversationIds' in which && which.conversationIds.length === 0) return;
  await forgetters[dialect](trx, which);
}
