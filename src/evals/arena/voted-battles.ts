// The battles the ratings count: those with a vote, in voting order (the online Elo depends on
// the order; Bradley–Terry does not).
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import type { RatedBattle } from './battle-outcome.js';

/** Every voted battle, oldest vote first. */
export async function listVotedBattles(db: Kysely<Database>): Promise<RatedBattle[]> {
  const rows = await db
    .selectFrom('arena_votes as v')
    .innerJoin('arena_battles as b', 'b.id', 'v.battle_id')
    .select(['b.model_a', 'b.model_b', 'v.outcome'])
    .orderBy('v.created_at')
    .orderBy('v.battle_id')
    .execute();
  return rows.map((row) => ({ modelA: row.model_a, modelB: row.model_b, outcome: row.outcome }));
}
