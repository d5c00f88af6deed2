// Conversations written straight to the store for tests that need many of them, of any age, with
// what hangs off them (a share link, feedback, an arena battle and its vote), without a model.
import type { Kysely } from 'kysely';
import { newId, randomToken } from '../../src/lib/ids.js';
import type { Database, MessageStatus } from '../../src/store/database.js';

/** How a seeded conversation looks. */
export interface SeedConversation {
  /** Put into the user's message, so a search can find it. */
  text: string;
  /** Last activity (default: now). */
  lastActivityAt?: Date;
  temporary?: boolean;
  /** The reply's status (default `complete`); `streaming` is a reply still being written. */
  replyStatus?: MessageStatus;
  /** An arena battle (with a vote) instead of a chat. */
  arena?: boolean;
}

/** The ids of what was seeded. */
export interface SeededConversation {
  id: string;
  messageIds: [string, string];
  shareId: string;
  battleId: string | null;
}

/** Seeds one conversation of `userId`: a question, a reply, feedback, a share (and a battle). */
export async function seedConversation(
  db: Kysely<Database>,
  userId: string,
  seed: SeedConversation,
): Promise<SeededConversation> {
  const at = (seed.lastActivityAt ?? new Date()).toISOString();
  const id = newId('conv');
  const [questionId, replyId] = [newId('msg'), newId('msg')];
  await db
    .insertInto('conversations')
    .values({
      id,
      user_id: userId,
      title: `About ${seed.text}`,
      model: null,
      system_prompt: null,
      folder_id: null,
      pinned: 0,
      archived: 0,
      selected_leaf_id: replyId,
      created_at: at,
      updated_at: at,
      last_activity_at: at,
      temporary: seed.temporary ? 1 : 0,
      kind: seed.arena ? 'arena' : 'chat',
    })
    .execute();
  const message = {
    conversation_id: id,
    error: null,
    prompt_tokens: null,
    completion_tokens: null,
  };
  await db
    .insertInto('messages')
    .values([
      {
        ...message,
        id: questionId,
        parent_id: null,
        role: 'user',
        content: `Tell me about ${seed.text}`,
        model: null,
        status: 'complete',
        run_id: null,
        created_at: at,
        updated_at: at,
      },
      {
        ...message,
        id: replyId,
        parent_id: questionId,
        role: 'assistant',
        content: `Here is what I know of ${seed.text}.`,
        model: 'chat',
        status: seed.replyStatus ?? 'complete',
        run_id: newId('run'),
        created_at: at,
        updated_at: at,
      },
    ])
    .execute();
  const shareId = randomToken(32);
  await db
    .insertInto('shares')
    .values({ id: shareId, conversation_id: id, user_id: userId, created_at: at, revoked_at: null })
    .execute();
  await db
    .insertInto('feedback')
    .values({
      message_id: replyId,
      user_id: userId,
      rating: 'up',
      comment: `liked ${seed.text}`,
      created_at: at,
      updated_at: at,
    })
    .execute();
  let battleId: string | null = null;
  if (seed.arena) {
    battleId = newId('battle');
    await db
      .insertInto('arena_battles')
      .values({
        id: battleId,
        user_id: userId,
        conversation_id: id,
        model_a: 'chat',
        model_b: 'small',
        message_a_id: replyId,
        message_b_id: replyId,
        created_at: at,
      })
      .execute();
    await db
      .insertInto('arena_votes')
      .values({ battle_id: battleId, user_id: userId, outcome: 'a', created_at: at })
      .execute();
  }
  return { id, messageIds: [questionId, replyId], shareId, battleId };
}
