import type { ChatMessage } from '../gateway/types.js';
import type { Message } from './message-record.js';

/**
 * The chat request for a reply: the system prompt, then the branch down to the user's message.
 * Messages without text (a reply that failed before its first token) are left out, and
 * consecutive messages of one role are joined, because many chat templates (Mistral's among
 * them) reject two user turns in a row.
 */
export function buildPrompt(
  systemPrompt: string | null,
  branch: readonly Message[],
): ChatMessage[] {
  const prompt: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  for (const message of branch) {
    if (!message.content) continue;
    const previous = prompt.at(-1);
    if (previous && previous.role === message.role) {
      previous.content = `${String(previous.content)}\n\n${message.content}`;
    } else {
      prompt.push({ role: message.role, content: message.content });
    }
  }
  return prompt;
}
