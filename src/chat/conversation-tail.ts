// The end of a long conversation first: the messages of the selected branch that a screen
// shows when the chat opens, so the web UI can paint before the whole tree (1.6 MB of JSON for
// 2,000 messages) has been read, sent and parsed. The UI asks for the whole tree right after.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { Conversation } from './conversation-record.js';
import type { Message } from './message-record.js';
import { listMessages, listMessagesById } from './messages.js';
import { selectedBranch } from './tree.js';

/** The last messages of a conversation's selected branch, or all of them. */
export interface ConversationTail {
  /** Oldest first: the branch's last `limit` messages and each one's siblings. */
  messages: Message[];
  /** The branch's last message (what the selection resolves to). */
  leafId: string | null;
  /** False when older messages were left out. */
  complete: boolean;
}

/**
 * The selected branch's last `limit` messages, with their siblings so that `‹ 2/3 ›` counts
 * are right (but not the siblings' own replies). A conversation of at most `limit` messages
 * comes whole.
 */
export async function loadConversationTail(
  db: Kysely<Database>,
  conversation: Conversation,
  limit: number,
): Promise<ConversationTail> {
  // The tree's shape only: ids and links, a few dozen bytes a message.
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'parent_id', 'created_at'])
    .where('conversation_id', '=', conversation.id)
    .execute();
  const nodes = rows.map((row) => ({
    id: row.id,
    parentId: row.parent_id,
    createdAt: row.created_at,
  }));
  const branch = selectedBranch(nodes, conversation.selectedLeafId);
  const leafId = branch.at(-1)?.id ?? null;
  if (nodes.length <= limit) {
    return { messages: await listMessages(db, conversation.id), leafId, complete: true };
  }
  const tail = branch.slice(-limit);
  const parents = new Set(tail.map((node) => node.parentId));
  const ids = nodes.filter((node) => parents.has(node.parentId)).map((node) => node.id);
  return {
    messages: await listMessagesById(db, conversation.id, ids),
    leafId,
    complete: false,
  };
}
