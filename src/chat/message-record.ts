import type { Selectable } from 'kysely';
import type {
  FeedbackRating,
  MessageRole,
  MessageStatus,
  MessagesTable,
} from '../store/database.js';

/** A rating left on a message. */
export interface Feedback {
  rating: FeedbackRating;
  comment: string | null;
}

/** A message as the API shows it (docs/web-api.md). */
export interface Message {
  id: string;
  conversationId: string;
  parentId: string | null;
  role: MessageRole;
  content: string;
  model: string | null;
  status: MessageStatus;
  error: string | null;
  runId: string | null;
  feedback: Feedback | null;
  createdAt: string;
}

/**
 * The columns `toMessage` reads: a `messages` row (all but `updated_at` and the run lease, which
 * only replicas read) plus its feedback, if any.
 */
export interface MessageRow extends Omit<
  Selectable<MessagesTable>,
  'updated_at' | 'run_owner' | 'run_heartbeat_at'
> {
  rating: FeedbackRating | null;
  comment: string | null;
}

/** Maps a message row (joined with its feedback) to its record. */
export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    parentId: row.parent_id,
    role: row.role,
    content: row.content,
    model: row.model,
    status: row.status,
    error: row.error,
    runId: row.run_id,
    feedback: row.rating ? { rating: row.rating, comment: row.comment } : null,
    createdAt: row.created_at,
  };
}
