// Writes the corpus into a Salon store through its own schema (migrations, triggers, generated
// columns), in multi-row inserts inside one transaction.
import type { Insertable, Kysely } from 'kysely';
import type { Store } from '../../src/store/create-database.js';
import type { Database, MessagesTable, Timestamp } from '../../src/store/database.js';
import { benchUsers, type Corpus } from './corpus.js';

// Rows per INSERT: 13 columns × 500 stays far below both drivers' bind-parameter limits.
const batchSize = 500;
const start = Date.parse('2024-01-01T00:00:00.000Z');

// Messages are written oldest first, one minute apart, so insertion order is time order.
function timestamp(index: number): Timestamp {
  return new Date(start + index * 60_000).toISOString();
}

/** Inserts the users, conversations and messages of `corpus`; returns the seconds taken. */
export async function seedStore(store: Store, corpus: Corpus): Promise<number> {
  const startedAt = performance.now();
  await store.db.transaction().execute((trx) => insertCorpus(trx, corpus));
  return (performance.now() - startedAt) / 1000;
}

async function insertCorpus(db: Kysely<Database>, corpus: Corpus): Promise<void> {
  const first = timestamp(0);
  await db
    .insertInto('users')
    .values(
      benchUsers.map((user) => ({
        id: user.id,
        email: `${user.id}@bench.invalid`,
        password_hash: null,
        display_name: null,
        role: 'member' as const,
        created_at: first,
        updated_at: first,
        disabled_at: null,
      })),
    )
    .execute();
  let index = 0;
  const pending: Array<Insertable<MessagesTable>> = [];
  const flush = async () => {
    const rows = pending.splice(0);
    if (rows.length) await db.insertInto('messages').values(rows).execute();
  };
  for (const conversation of corpus.conversations) {
    const created = timestamp(index);
    const last = timestamp(index + conversation.messages.length - 1);
    await db
      .insertInto('conversations')
      .values({
        id: conversation.id,
        user_id: conversation.userId,
        title: conversation.title,
        model: null,
        system_prompt: null,
        folder_id: null,
        pinned: 0,
        archived: 0,
        selected_leaf_id: conversation.messages.at(-1)?.id ?? null,
        created_at: created,
        updated_at: last,
        last_activity_at: last,
      })
      .execute();
    let parentId: string | null = null;
    for (const message of conversation.messages) {
      const at = timestamp(index++);
      pending.push({
        id: message.id,
        conversation_id: conversation.id,
        parent_id: parentId,
        role: message.role,
        content: message.content,
        model: message.role === 'assistant' ? 'small' : null,
        status: 'complete',
        error: null,
        run_id: null,
        prompt_tokens: null,
        completion_tokens: null,
        created_at: at,
        updated_at: at,
      });
      parentId = message.id;
      if (pending.length >= batchSize) await flush();
    }
  }
  await flush();
}
