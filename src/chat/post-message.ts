import type { ChatDeps } from './chat-deps.js';
import { appendTurn, type Turn } from './append-turn.js';

/** What the user posted, under `parentId` (null for the first message or a new root). */
export interface PostMessageInput {
  userId: string;
  conversationId: string;
  content: string;
  parentId: string | null;
  model?: string;
}

/** POST /api/conversations/:id/messages: the user's message, its reply and the reply's run. */
export function postMessage(deps: ChatDeps, input: PostMessageInput): Promise<Turn> {
  return appendTurn(deps, input);
}
