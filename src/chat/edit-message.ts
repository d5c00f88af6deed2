import { badRequest } from '../lib/errors.js';
import { appendTurn, type Turn } from './append-turn.js';
import type { ChatDeps } from './chat-deps.js';
import { getOwnedMessage } from './messages.js';

/** An edit of a user message. */
export interface EditMessageInput {
  userId: string;
  messageId: string;
  content: string;
  model?: string;
}

/**
 * Edits a user message the way chats do: the original stays, the edited text becomes its new
 * sibling with a fresh reply, and the conversation selects that branch.
 */
export async function editMessage(deps: ChatDeps, input: EditMessageInput): Promise<Turn> {
  const original = await getOwnedMessage(deps.db, input.userId, input.messageId);
  if (original.role !== 'user') {
    throw badRequest('Only a user message can be edited.', 'id', 'not_a_user_message');
  }
  return appendTurn(deps, {
    userId: input.userId,
    conversationId: original.conversationId,
    parentId: original.parentId,
    content: input.content,
    model: input.model,
  });
}
