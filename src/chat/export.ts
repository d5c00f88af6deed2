// Exports the selected branch of a conversation as Markdown or JSON, for download.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { Conversation } from './conversation-record.js';
import { getConversation } from './conversations.js';
import type { Message } from './message-record.js';
import { listMessages } from './messages.js';
import { selectedBranch } from './tree.js';

/** The formats an export comes in. */
export type ExportFormat = 'md' | 'json';

/** A file to send. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

const roleHeadings: Record<Message['role'], string> = {
  user: 'User',
  assistant: 'Assistant',
  system: 'System',
};

/** A file name for a conversation, without extension: only letters, digits and dashes (it goes
 * into a Content-Disposition header). */
export function fileStem(title: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/[\s_]+/g, '-')
    .slice(0, 60)
    .toLowerCase();
  return stem || 'conversation';
}

/** The branch as Markdown: a heading per message, the text as written. */
export function toMarkdown(conversation: Conversation, branch: readonly Message[]): string {
  const parts = [`# ${conversation.title || 'Untitled conversation'}`];
  if (conversation.systemPrompt) parts.push(`## System\n\n${conversation.systemPrompt}`);
  for (const message of branch) {
    const model = message.role === 'assistant' && message.model ? ` (${message.model})` : '';
    const note = message.status === 'complete' ? '' : `\n\n_(${message.status})_`;
    parts.push(`## ${roleHeadings[message.role]}${model}\n\n${message.content}${note}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** Messages as JSON, without their run ids (internal to the server). */
export function toJson(conversation: Conversation, messages: readonly Message[]): string {
  const exported = messages.map((message) => ({ ...message, runId: undefined }));
  return `${JSON.stringify({ conversation, messages: exported }, null, 2)}\n`;
}

/** The conversation's selected branch as a file; 404 when not the user's. */
export async function exportConversation(
  db: Kysely<Database>,
  userId: string,
  conversationId: string,
  format: ExportFormat,
): Promise<ExportFile> {
  const conversation = await getConversation(db, userId, conversationId);
  const branch = selectedBranch(
    await listMessages(db, conversationId),
    conversation.selectedLeafId,
  );
  const stem = fileStem(conversation.title);
  if (format === 'json') {
    return {
      filename: `${stem}.json`,
      contentType: 'application/json; charset=utf-8',
      body: toJson(conversation, branch),
    };
  }
  return {
    filename: `${stem}.md`,
    contentType: 'text/markdown; charset=utf-8',
    body: toMarkdown(conversation, branch),
  };
}
