// One page of a user's conversations: pinned first, then by last activity, newest first. The
// cursor is the sort key of the last item, so pages stay stable while conversations change.
import type { Kysely } from 'kysely';
import { badRequest } from '../lib/errors.js';
import type { Database } from '../store/database.js';
import { toConversation, type Conversation } from './conversation-record.js';

/** Which page to list. */
export interface ListConversationsQuery {
  limit: number;
  cursor?: string;
  archived: boolean;
  folderId?: string;
}

/** A page and the cursor of the next one (null on the last page). */
export interface ConversationPage {
  items: Conversation[];
  nextCursor: string | null;
}

type SortKey = [pinned: number, lastActivityAt: string, id: string];

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): SortKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const valid =
      Array.isArray(key) &&
      key.length === 3 &&
      (key[0] === 0 || key[0] === 1) &&
      typeof key[1] === 'string' &&
      typeof key[2] === 'string';
    if (valid) return key as SortKey;
  } catch {
    // reported below
  }
  throw badRequest('The cursor is not one this API returned.', 'cursor', 'invalid_cursor');
}

/** Lists `userId`'s conversations, one page at a time. */
export async function listConversations(
  db: Kysely<Database>,
  userId: string,
  query: ListConversationsQuery,
): Promise<ConversationPage> {
  let select = db
    .selectFrom('conversations')
    .selectAll()
    .where('user_id', '=', userId)
    .where('kind', '=', 'chat')
    // Temporary chats are never listed: only the tab that made one keeps its id.
    .where('temporary', '=', 0)
    .where('archived', '=', query.archived ? 1 : 0);
  if (query.folderId !== undefined) select = select.where('folder_id', '=', query.folderId);
  if (query.cursor) {
    const [pinned, at, id] = decodeCursor(query.cursor);
    select = select.where((eb) =>
      eb.or([
        eb('pinned', '<', pinned),
        eb.and([
          eb('pinned', '=', pinned),
          eb.or([
            eb('last_activity_at', '<', at),
            eb.and([eb('last_activity_at', '=', at), eb('id', '<', id)]),
          ]),
        ]),
      ]),
    );
  }
  const rows = await select
    .orderBy('pinned', 'desc')
    .orderBy('last_activity_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toConversation),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor([last.pinned, last.last_activity_at, last.id])
        : null,
  };
}
