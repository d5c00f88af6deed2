import { searchMessages, type MessageSearchHit } from '../store/search.js';
import type { Store } from '../store/create-database.js';

/** The most results one search returns. */
export const maxSearchResults = 50;

/** Searches the user's own messages; an empty query finds nothing. */
export async function searchConversations(
  store: Pick<Store, 'db' | 'dialect'>,
  userId: string,
  text: string,
  limit: number,
): Promise<MessageSearchHit[]> {
  const query = text.trim().slice(0, 500);
  if (!query) return [];
  return searchMessages(store, {
    userId,
    text: query,
    limit: Math.min(Math.max(1, limit), maxSearchResults),
  });
}
