// A short title for a new conversation, asked of the `small` model (or the conversation's own)
// once the first reply is in. Off the request path, and it never fails anything: without an
// answer, the title is the start of the user's first message.
import type { Kysely } from 'kysely';
import type { Gateway } from '../gateway/gateway.js';
import { defaultAlias } from '../gateway/model-catalog.js';
import type { ChatMessage } from '../gateway/types.js';
import { toTimestamp, type Database } from '../store/database.js';
import { listMessages } from './messages.js';
import { selectedBranch } from './tree.js';

const maxTitleLength = 80;
const excerptLength = 1_000;

const instructions =
  'Write a title of at most six words for the conversation below, in its language. ' +
  'Answer with the title only: no quotes, no punctuation at the end.';

/** A model's answer cleaned into a title: first line, no quotes, markup or label. */
export function cleanTitle(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim()) ?? '';
  const title = line
    .replace(/^\s*(#+|\*+|title\s*:)\s*/i, '')
    .replace(/^["'«“*_\s]+|["'»”*_.\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return shorten(title, maxTitleLength);
}

/** `text` cut at a word boundary to at most `length` characters, with an ellipsis if cut. */
export function shorten(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > length / 2 ? cut.slice(0, space) : cut}…`;
}

async function askModel(
  gateway: Gateway,
  model: string,
  prompt: ChatMessage[],
  signal?: AbortSignal,
): Promise<string> {
  const started = await gateway.chat(model, {
    messages: prompt,
    maxTokens: 24,
    temperature: 0.2,
    signal,
  });
  let text = '';
  for await (const part of started.parts) if (part.type === 'text-delta') text += part.text;
  return cleanTitle(text);
}

/** Titles the conversation if it has no title yet; a user's own title always wins. */
export async function generateTitle(
  deps: { db: Kysely<Database>; gateway: Gateway; log?(message: string, error: unknown): void },
  conversationId: string,
  signal?: AbortSignal,
): Promise<void> {
  const conversation = await deps.db
    .selectFrom('conversations')
    .select(['title', 'model', 'selected_leaf_id'])
    .where('id', '=', conversationId)
    .executeTakeFirst();
  if (!conversation || conversation.title) return;
  const branch = selectedBranch(
    await listMessages(deps.db, conversationId),
    conversation.selected_leaf_id,
  );
  const question = branch.find((message) => message.role === 'user')?.content ?? '';
  const reply = branch.find((message) => message.role === 'assistant');
  const answer = reply?.content ?? '';
  const hasSmall = deps.gateway.listModels().some((route) => route.name === defaultAlias);
  const model = hasSmall ? defaultAlias : (conversation.model ?? reply?.model);
  let title = '';
  if (model) {
    const transcript = `User: ${question.slice(0, excerptLength)}\n\nAssistant: ${answer.slice(0, excerptLength)}`;
    title = await askModel(
      deps.gateway,
      model,
      [
        { role: 'system', content: instructions },
        { role: 'user', content: transcript },
      ],
      signal,
    ).catch((error: unknown) => {
      deps.log?.(`no title for conversation ${conversationId}`, error);
      return '';
    });
  }
  title ||= shorten(question, 60);
  if (!title || signal?.aborted) return;
  // Only while still untitled: the user may have renamed it while the model was thinking.
  await deps.db
    .updateTable('conversations')
    .set({ title, updated_at: toTimestamp() })
    .where('id', '=', conversationId)
    .where('title', '=', '')
    .execute();
}
