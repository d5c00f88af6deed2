// Regenerating a reply adds a new assistant sibling under the same user message; the old
// reply stays and the conversation selects the new one.
import { badRequest } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp } from '../store/database.js';
import type { ChatDeps } from './chat-deps.js';
import { getConversation } from './conversations.js';
import { toMessage, type Message } from './message-record.js';
import { getOwnedMessage, listMessages } from './messages.js';
import { chooseModel } from './models.js';
import { buildPrompt } from './prompt.js';
import { pathTo } from './tree.js';

/** Which reply to regenerate, and with which model (the original's by default). */
export interface RegenerateInput {
  userId: string;
  messageId: string;
  model?: string;
}

/** POST /api/messages/:id/regenerate: a new reply beside the given one, and its run. */
export async function regenerate(
  deps: ChatDeps,
  input: RegenerateInput,
): Promise<{ assistantMessage: Message; runId: string }> {
  const { result, start } = await deps.db.transaction().execute(async (trx) => {
    const original = await getOwnedMessage(trx, input.userId, input.messageId);
    if (original.role !== 'assistant') {
      throw badRequest('Only an assistant message can be regenerated.', 'id', 'not_a_reply');
    }
    const conversation = await getConversation(trx, input.userId, original.conversationId);
    const model = chooseModel(deps.gateway, input.model, original.model ?? conversation.model);
    const history = await listMessages(trx, conversation.id);
    const now = toTimestamp();
    const runId = newId('run');
    const row = {
      id: newId('msg'),
      conversation_id: conversation.id,
      parent_id: original.parentId,
      role: 'assistant' as const,
      content: '',
      model,
      status: 'streaming' as const,
      error: null,
      run_id: runId,
      prompt_tokens: null,
      completion_tokens: null,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('messages').values(row).execute();
    await trx
      .updateTable('conversations')
      .set({ selected_leaf_id: row.id, last_activity_at: now, updated_at: now })
      .where('id', '=', conversation.id)
      .execute();
    const branch = original.parentId ? pathTo(history, original.parentId) : [];
    return {
      result: { assistantMessage: toMessage({ ...row, rating: null, comment: null }), runId },
      start: {
        runId,
        messageId: row.id,
        conversationId: conversation.id,
        model,
        messages: buildPrompt(conversation.systemPrompt, branch),
      },
    };
  });
  deps.runs.start(start);
  return result;
}
