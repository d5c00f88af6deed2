// Writes a conversation straight into the store: the conversation through the chat
// repository, its messages in multi-row inserts inside one transaction (2,000 messages take
// well under a second, where posting them through the API would run 1,000 replies).
import type { Insertable, Kysely } from 'kysely';
import { createConversation } from '../../src/chat/conversations.js';
import { newId } from '../../src/lib/ids.js';
import type { Database, MessagesTable } from '../../src/store/database.js';
import type { TranscriptMessage } from './transcript.js';

// Rows per INSERT: 13 columns × 500 stays far below both drivers' bind-parameter limits.
const batchSize = 500;

/** A seeded conversation: its id and the id of its newest message (the one shown last). */
export interface SeededConversation {
  id: string;
  newestMessageId: string;
  messages: number;
}

/**
 * Creates a conversation of `messages` for `userId`, one chain from the first message to the
 * last (selected), one second apart and ending a minute ago, so that replies posted during
 * the bench come after them.
 */
export async function seedConversation(
  db: Kysely<Database>,
  userId: string,
  title: string,
  messages: readonly TranscriptMessage[],
): Promise<SeededConversation> {
  const conversation = await createConversation(db, userId, { title });
  const end = Date.now() - 60_000;
  const rows: Array<Insertable<MessagesTable>> = [];
  let parentId: string | null = null;
  for (const [index, message] of messages.entries()) {
    const at = new Date(end - (messages.length - index) * 1000).toISOString();
    const id = newId('msg');
    rows.push({
      id,
      conversation_id: conversation.id,
      parent_id: parentId,
      role: message.role,
      content: message.content,
      model: message.role === 'assistant' ? 'chat' : null,
      status: 'complete',
      error: null,
      run_id: null,
      prompt_tokens: null,
      completion_tokens: null,
      created_at: at,
      updated_at: at,
    });
    parentId = id;
  }
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < rows.length; start += batchSize) {
      await trx
        .insertInto('messages')
        .values(rows.slice(start, start + batchSize))
        .execute();
    }
    await trx
      .updateTable('conversations')
      .set({ selected_leaf_id: parentId })
      .where('id', '=', conversation.id)
      .execute();
  });
  return { id: conversation.id, newestMessageId: parentId!, messages: messages.length };
}
