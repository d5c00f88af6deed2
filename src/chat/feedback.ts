// Thumbs up or down on a reply, one per message, replaced by a newer one.
import type { Kysely } from 'kysely';
import { badRequest } from '../lib/errors.js';
import { toTimestamp, type Database, type FeedbackRating } from '../store/database.js';
import type { Feedback } from './message-record.js';
import { getOwnedMessage } from './messages.js';

/** Sets the feedback on a reply; 404 when the message is not the user's, 400 on a user message. */
export async function setFeedback(
  db: Kysely<Database>,
  userId: string,
  messageId: string,
  input: { rating: FeedbackRating; comment?: string | null },
): Promise<Feedback> {
  const message = await getOwnedMessage(db, userId, messageId);
  if (message.role !== 'assistant') {
    throw badRequest('Only a reply can be rated.', 'id', 'not_a_reply');
  }
  const now = toTimestamp();
  const feedback = { rating: input.rating, comment: input.comment?.trim() || null };
  await db
    .insertInto('feedback')
    .values({
      message_id: messageId,
      user_id: userId,
      ...feedback,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) =>
      conflict.column('message_id').doUpdateSet({ ...feedback, updated_at: now }),
    )
    .execute();
  return feedback;
}

/** Removes the feedback on a message (nothing to remove is fine); 404 when not the user's. */
export async function removeFeedback(
  db: Kysely<Database>,
  userId: string,
  messageId: string,
): Promise<void> {
  await getOwnedMessage(db, userId, messageId);
  await db.deleteFrom('feedback').where('message_id', '=', messageId).execute();
}
