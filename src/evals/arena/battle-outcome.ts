// What a vote says about a battle, and the score it gives model A. "Both bad" is a tie for the
// ratings, as Chatbot Arena counts its "tie (bothbad)": neither answer was preferred.

/** A user's verdict on a battle: A better, B better, a tie, or both bad. */
export type ArenaOutcome = 'a' | 'b' | 'tie' | 'both_bad';

/** Every outcome, in the order the UI offers them. */
export const arenaOutcomes: readonly ArenaOutcome[] = ['a', 'b', 'tie', 'both_bad'];

/** A voted battle as the ratings see it. */
export interface RatedBattle {
  modelA: string;
  modelB: string;
  outcome: ArenaOutcome;
}

/** Model A's score: 1 for a win, 0 for a loss, ½ for a tie or both bad (half a win each). */
export function scoreOfA(outcome: ArenaOutcome): number {
  if (outcome === 'a') return 1;
  if (outcome === 'b') return 0;
  return 0.5;
}
