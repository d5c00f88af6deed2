// A vote on a battle, once: the vote's primary key is the battle, so a second vote (even one
// racing the first from another tab or replica) is refused by the database on both dialects.
import type { Kysely } from 'kysely';
import { SalonError } from '../../lib/errors.js';
import { toTimestamp, type Database } from '../../store/database.js';
import { getBattle, type Battle, type BattleOutcome } from './battle-record.js';

function conflict(message: string, code: string): SalonError {
  return new SalonError(code, message, { status: 409, type: 'invalid_request_error' });
}

/**
 * Records `userId`'s verdict and returns the battle with both models named. 404 when the battle
 * is not theirs; 409 `battle_in_progress` while an answer is still being written (judge whole
 * answers only); 409 `already_voted` the second time.
 */
export async function voteOnBattle(
  db: Kysely<Database>,
  input: { userId: string; battleId: string; outcome: BattleOutcome },
): Promise<Battle> {
  const battle = await getBattle(db, input.userId, input.battleId);
  if (battle.vote) throw conflict('This battle already has your vote.', 'already_voted');
  if (battle.a.status === 'streaming' || battle.b.status === 'streaming') {
    throw conflict('Wait for both answers before voting.', 'battle_in_progress');
  }
  const inserted = await db
    .insertInto('arena_votes')
    .values({
      battle_id: battle.id,
      user_id: input.userId,
      outcome: input.outcome,
      created_at: toTimestamp(),
    })
    .onConflict((onConflict) => onConflict.column('battle_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw conflict('This battle already has your vote.', 'already_voted');
  }
  return getBattle(db, input.userId, input.battleId);
}
