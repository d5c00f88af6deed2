// The online Elo rating, shown beside Bradley–Terry for comparison: battles in the order they
// were voted, each moving both models by K·(score − expected). Unlike Bradley–Terry it depends
// on the order, and with K = 4 it moves slowly: the gap between the two is itself informative.
import { scoreOfA, type RatedBattle } from './battle-outcome.js';

/** Chatbot Arena's K for its online Elo. */
export const eloK = 4;

/** The expected score of a player rated `a` against one rated `b`. */
export function expectedScore(a: number, b: number): number {
  return 1 / (1 + 10 ** ((b - a) / 400));
}

/** Each model's Elo after the battles, in order, starting at `initial` (1000). */
export function onlineElo(
  battles: readonly RatedBattle[],
  options: { k?: number; initial?: number } = {},
): Map<string, number> {
  const k = options.k ?? eloK;
  const initial = options.initial ?? 1000;
  const ratings = new Map<string, number>();
  for (const battle of battles) {
    const a = ratings.get(battle.modelA) ?? initial;
    const b = ratings.get(battle.modelB) ?? initial;
    const delta = k * (scoreOfA(battle.outcome) - expectedScore(a, b));
    ratings.set(battle.modelA, a + delta);
    ratings.set(battle.modelB, b - delta);
  }
  return ratings;
}
