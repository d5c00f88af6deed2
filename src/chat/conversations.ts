// The conversations repository: every query is scoped by the owner, so another user's
// conversation id answers 404, exactly like one that does not exist.
import type { Kysely, Updateable } from 'kysely';
import { badRequest, notFound } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp, type ConversationsTable, type Database } from '../store/database.js';
import { toConversation, type Conversation } from './conversation-record.js';
import { removeConversations } from './delete-conversation.js';

/** What a new conversation may start with. */
export interface NewConversation {
  title?: string;
  model?: string | null;
  systemPrompt?: string | null;
  folderId?: string | null;
  /** A temporary chat: deleted by the retention job once idle, whatever the policy. */
  temporary?: boolean;
}

/** The fields PATCH may change. */
export interface ConversationChanges extends NewConversation {
  pinned?: boolean;
  archived?: boolean;
  selectedLeafId?: string | null;
}

async function checkFolder(db: Kysely<Database>, userId: string, folderId: string): Promise<void> {
  const folder = await db
    .selectFrom('folders')
    .select('id')
    .where('id', '=', folderId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!folder) throw badRequest(`No folder with id '${folderId}'.`, 'folderId', 'folder_not_found');
}

async function checkMessage(db: Kysely<Database>, conversationId: string, messageId: string) {
  const message = await db
    .selectFrom('messages')
    .select('id')
    .where('id', '=', messageId)
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (!message) {
    throw badRequest(
      `No message with id '${messageId}' in this conversation.`,
      'selectedLeafId',
      'message_not_found',
    );
  }
}

/** Creates an empty conversation for `userId`. */
export async function createConversation(
  db: Kysely<Database>,
  userId: string,
  input: NewConversation,
): Promise<Conversation> {
  if (input.folderId) await checkFolder(db, userId, input.folderId);
  const now = toTimestamp();
  const row = {
    id: newId('conv'),
    user_id: userId,
    title: input.title?.trim() ?? '',
    model: input.model ?? null,
    system_prompt: input.systemPrompt || null,
    folder_id: input.folderId ?? null,
    pinned: 0,
    archived: 0,
    selected_leaf_id: null,
    created_at: now,
    updated_at: now,
    last_activity_at: now,
    temporary: input.temporary ? 1 : 0,
  };
  await db.insertInto('conversations').values(row).execute();
  return toConversation(row);
}

/** The conversation when `userId` owns it; 404 otherwise. */
export async function getConversation(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<Conversation> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    // An arena battle's conversation is reached through its battle only (models stay hidden).
    .where('kind', '=', 'chat')
    .executeTakeFirst();
  if (!row) throw notFound(`No conversation with id '${id}'.`, 'conversation_not_found');
  return toConversation(row);
}

/** Applies `changes`; 404 when not the owner's, 400 for a folder or message not theirs. */
export async function updateConversation(
  db: Kysely<Database>,
  userId: string,
  id: string,
  changes: ConversationChanges,
): Promise<Conversation> {
  await getConversation(db, userId, id);
  if (changes.folderId) await checkFolder(db, userId, changes.folderId);
  if (changes.selectedLeafId) await checkMessage(db, id, changes.selectedLeafId);
  const set: Updateable<ConversationsTable> = { updated_at: toTimestamp() };
  if (changes.title !== undefined) set.title = changes.title.trim();
  if (changes.model !== undefined) set.model = changes.model;
  if (changes.systemPrompt !== undefined) set.system_prompt = changes.systemPrompt || null;
  if (changes.folderId !== undefined) set.folder_id = changes.folderId;
  if (changes.pinned !== undefined) set.pinned = changes.pinned ? 1 : 0;
  if (changes.archived !== undefined) set.archived = changes.archived ? 1 : 0;
  if (changes.selectedLeafId !== undefined) set.selected_leaf_id = changes.selectedLeafId;
  await db
    .updateTable('conversations')
    .set(set)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .execute();
  return getConversation(db, userId, id);
}

/** Deletes the conversation with its messages, shares and feedback; 404 when not the owner's. */
export async function deleteConversation(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await getConversation(trx, userId, id);
    await removeConversations(trx, [id]);
  });
}
