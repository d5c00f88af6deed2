// Regenerating a reply adds a new assistant sibling under the same user message; the old
// reply stays and the conversation selects the new one. The new reply is admitted (model access,
// quotas) before it is stored: a refusal stores nothing.
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

/**
 * POST /api/messages/:id/regenerate: a new reply beside the given one, and its run. Admitted
 * (model access, quotas) before anything is stored, as in append-turn.ts.
 */
export async function regenerate(
  deps: ChatDeps,
  input: RegenerateInput,
): Promise<{ assistantMessage: Message; runId: string }> {
  const original = await getOwnedMessage(deps.db, input.userId, input.messageId);
  if (original.role !== 'assistant') {
    throw badRequest('Only an assistant message can be regenerated.', 'id', 'not_a_reply');
  }
  const conversation = await getConversation(deps.db, input.userId, original.conversationId);
  const model = chooseModel(deps.gateway, input.model, original.model ?? conversation.model);
  const history = await listMessages(deps.db, conversation.id);
  const [admission] = await deps.governance.admit({ userId: input.userId }, [
    { model, endpoint: 'chat' },
  ]);
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
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('messages').values(row).execute();
      await trx
        .updateTable('conversations')
        .set({ selected_leaf_id: row.id, last_activity_at: now, updated_at: now })
        .where('id', '=', conversation.id)
        .execute();
    });
  } catch (error) {
    deps.governance.settle(admission!, { latencyMs: 0, status: 500, errorCode: 'not_stored' });
    throw error;
  }
  const branch = original.parentId ? pathTo(history, original.parentId) : [];
  deps.runs.start({
    runId,
    messageId: row.id,
    conversationId: conversation.id,
    model,
    messages: buildPrompt(conversation.systemPrompt, branch),
    admission,
  });
  return { assistantMessage: toMessage({ ...row, rating: null, comment: null }), runId };
}
