// Reading messages. Every look-up by a message or run id joins the conversation and checks its
// owner, so another user's id reads exactly like an id that does not exist.
import type { Kysely } from 'kysely';
import type { Usage } from '../gateway/types.js';
import { notFound } from '../lib/errors.js';
import type { Database } from '../store/database.js';
import { toMessage, type Message, type MessageRow } from './message-record.js';

// Named columns, never `select *`: the search columns (SQLite's `rowid`, PostgreSQL's
// `search_vector`) stay out of every other query.
function selectMessages(db: Kysely<Database>) {
  return db
    .selectFrom('messages as m')
    .leftJoin('feedback as f', 'f.message_id', 'm.id')
    .select([
      'm.id',
      'm.conversation_id',
      'm.parent_id',
      'm.role',
      'm.content',
      'm.model',
      'm.status',
      'm.error',
      'm.run_id',
      'm.prompt_tokens',
      'm.completion_tokens',
      'm.created_at',
      'f.rating',
      'f.comment',
    ]);
}

function usageOf(row: MessageRow): Usage | null {
  if (row.prompt_tokens === null || row.completion_tokens === null) return null;
  return { promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens };
}

/** Every message of a conversation, oldest first (callers have checked the owner). */
export async function listMessages(
  db: Kysely<Database>,
  conversationId: string,
): Promise<Message[]> {
  const rows = await selectMessages(db)
    .where('m.conversation_id', '=', conversationId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  return rows.map(toMessage);
}

// Ids per query: far below SQLite's and PostgreSQL's bind-parameter limits.
const idsPerQuery = 500;

/** The messages of a conversation with these ids, oldest first (callers have checked the owner). */
export async function listMessagesById(
  db: Kysely<Database>,
  conversationId: string,
  ids: readonly string[],
): Promise<Message[]> {
  const rows: MessageRow[] = [];
  for (let start = 0; start < ids.length; start += idsPerQuery) {
    const batch = ids.slice(start, start + idsPerQuery);
    rows.push(
      ...(await selectMessages(db)
        .where('m.conversation_id', '=', conversationId)
        .where('m.id', 'in', batch)
        .execute()),
    );
  }
  const byAge = (a: MessageRow, b: MessageRow) =>
    a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1;
  return rows.sort(byAge).map(toMessage);
}

/** The message with this id when `userId` owns its conversation; 404 otherwise. */
export async function getOwnedMessage(
  db: Kysely<Database>,
  userId: string,
  messageId: string,
): Promise<Message> {
  const row = await selectMessages(db)
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .where('m.id', '=', messageId)
    .where('c.user_id', '=', userId)
    // Arena answers get votes, not thumbs, edits or regenerations.
    .where('c.kind', '=', 'chat')
    .executeTakeFirst();
  if (!row) throw notFound(`No message with id '${messageId}'.`, 'message_not_found');
  return toMessage(row);
}

/** The assistant message a run writes, and its usage, when `userId` owns it; 404 otherwise. */
export async function getOwnedRun(
  db: Kysely<Database>,
  userId: string,
  runId: string,
): Promise<{ message: Message; usage: Usage | null }> {
  const row = await selectMessages(db)
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .where('m.run_id', '=', runId)
    .where('c.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound(`No run with id '${runId}'.`, 'run_not_found');
  return { message: toMessage(row), usage: usageOf(row) };
}
