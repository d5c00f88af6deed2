// A user message and the assistant reply to it, stored in ONE transaction, then the run that
// writes the reply. The user's text is committed before generation starts, so a model that
// fails (or a process that dies) never loses what was typed.
//
// The reply is admitted (model access, rates, budgets, quotas) after the checks and BEFORE that
// transaction: a refused reply (403, 429) stores nothing, neither the user message nor an empty
// reply, so no half-made turn remains; the web UI keeps the text in the composer to send later.
import { badRequest } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp } from '../store/database.js';
import type { ChatDeps } from './chat-deps.js';
import { getConversation } from './conversations.js';
import { toMessage, type Message } from './message-record.js';
import { listMessages } from './messages.js';
import { chooseModel } from './models.js';
import { buildPrompt } from './prompt.js';
import { pathTo } from './tree.js';

/** A user turn to add under `parentId` (null: a new root). */
export interface TurnInput {
  userId: string;
  conversationId: string;
  parentId: string | null;
  content: string;
  model?: string;
}

/** The stored pair and the run generating the reply. */
export interface Turn {
  userMessage: Message;
  assistantMessage: Message;
  runId: string;
}

function checkContent(content: string): string {
  if (!content.trim()) throw badRequest('The message is empty.', 'content', 'empty_message');
  return content;
}

/** Stores the user message and a `streaming` reply, selects it, and starts the run. */
export async function appendTurn(deps: ChatDeps, input: TurnInput): Promise<Turn> {
  const content = checkContent(input.content);
  const conversation = await getConversation(deps.db, input.userId, input.conversationId);
  const model = chooseModel(deps.gateway, input.model, conversation.model);
  const history = await listMessages(deps.db, conversation.id);
  const parent = findParent(history, input.parentId);
  const [admission] = await deps.governance.admit({ userId: input.userId }, [
    { model, endpoint: 'chat' },
  ]);
  const now = new Date();
  // The reply is stamped 1 ms later so that "oldest first" always lists it after its question.
  const repliedAt = toTimestamp(new Date(now.getTime() + 1));
  const runId = newId('run');
  const base = {
    conversation_id: conversation.id,
    error: null,
    prompt_tokens: null,
    completion_tokens: null,
  };
  const userRow = {
    ...base,
    id: newId('msg'),
    parent_id: parent?.id ?? null,
    role: 'user' as const,
    content,
    model: null,
    status: 'complete' as const,
    run_id: null,
    created_at: toTimestamp(now),
    updated_at: toTimestamp(now),
  };
  const assistantRow = {
    ...base,
    id: newId('msg'),
    parent_id: userRow.id,
    role: 'assistant' as const,
    content: '',
    model,
    status: 'streaming' as const,
    run_id: runId,
    created_at: repliedAt,
    updated_at: repliedAt,
  };
  try {
    await deps.db.transaction().execute(async (trx) => {
      await trx.insertInto('messages').values([userRow, assistantRow]).execute();
      await trx
        .updateTable('conversations')
        .set({
          selected_leaf_id: assistantRow.id,
          last_activity_at: repliedAt,
          updated_at: repliedAt,
        })
        .where('id', '=', conversation.id)
        .execute();
    });
  } catch (error) {
    // Admitted but never run (the conversation went meanwhile): the ledger says so.
    deps.governance.settle(admission!, { latencyMs: 0, status: 500, errorCode: 'not_stored' });
    throw error;
  }
  const userMessage = toMessage({ ...userRow, rating: null, comment: null });
  const assistantMessage = toMessage({ ...assistantRow, rating: null, comment: null });
  const branch = parent ? [...pathTo(history, parent.id), userMessage] : [userMessage];
  deps.runs.start({
    runId,
    messageId: assistantRow.id,
    conversationId: conversation.id,
    model,
    messages: buildPrompt(conversation.systemPrompt, branch),
    admission,
  });
  return { userMessage, assistantMessage, runId };
}

// The message to answer under: none for a new root; 400 for an unknown id or a user message.
function findParent(history: Message[], parentId: string | null): Message | undefined {
  if (!parentId) return undefined;
  const parent = history.find((message) => message.id === parentId);
  if (!parent) {
    throw badRequest(
      `No message with id '${parentId}' in this conversation.`,
      'parentId',
      'message_not_found',
    );
  }
  if (parent.role === 'user') {
    throw badRequest('A message cannot answer a user message.', 'parentId', 'invalid_parent');
  }
  return parent;
}
