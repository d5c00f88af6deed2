// A battle as the API shows it. The models' names are left out until the battle has a vote:
// the answers must be judged blind.
import type { Kysely } from 'kysely';
import { notFound } from '../../lib/errors.js';
import type { ArenaVotesTable, Database, MessageStatus } from '../../store/database.js';

/** A user's verdict: A better, B better, a tie, or both bad. */
export type BattleOutcome = ArenaVotesTable['outcome'];

/** One side of a battle. */
export interface BattleSide {
  messageId: string;
  runId: string | null;
  content: string;
  status: MessageStatus;
  error: string | null;
  /** The model's name: null until the battle has a vote. */
  model: string | null;
}

/** A battle (docs/web-api.md, "Arena"). */
export interface Battle {
  id: string;
  prompt: string;
  a: BattleSide;
  b: BattleSide;
  vote: BattleOutcome | null;
  createdAt: string;
}

/** Reads a battle of `userId`; 404 when it is not theirs, exactly as when it does not exist. */
export async function getBattle(
  db: Kysely<Database>,
  userId: string,
  battleId: string,
): Promise<Battle> {
  const row = await db
    .selectFrom('arena_battles as b')
    .leftJoin('arena_votes as v', 'v.battle_id', 'b.id')
    .select([
      'b.id',
      'b.conversation_id',
      'b.model_a',
      'b.model_b',
      'b.message_a_id',
      'b.message_b_id',
      'b.created_at',
      'v.outcome',
    ])
    .where('b.id', '=', battleId)
    .where('b.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw notFound(`No battle with id '${battleId}'.`, 'battle_not_found');
  const messages = await db
    .selectFrom('messages')
    .select(['id', 'role', 'content', 'status', 'error', 'run_id'])
    .where('conversation_id', '=', row.conversation_id)
    .execute();
  const byId = new Map(messages.map((message) => [message.id, message]));
  const revealed = row.outcome !== null;
  const side = (messageId: string, model: string): BattleSide => {
    const message = byId.get(messageId);
    return {
      messageId,
      runId: message?.run_id ?? null,
      content: message?.content ?? '',
      status: message?.status ?? 'error',
      error: message?.error ?? null,
      model: revealed ? model : null,
    };
  };
  return {
    id: row.id,
    prompt: messages.find((message) => message.role === 'user')?.content ?? '',
    a: side(row.message_a_id, row.model_a),
    b: side(row.message_b_id, row.model_b),
    vote: row.outcome ?? null,
    createdAt: row.created_at,
  };
}
