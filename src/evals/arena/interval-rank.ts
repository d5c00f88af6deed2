// Ranks that only separate models when the data do: a model's rank is 1 + the number of models
// whose interval lies wholly above its own (their lower bound above its upper bound). Models
// whose intervals overlap share a rank, as on Chatbot Arena's leaderboard.
import type { RatingInterval } from './bootstrap.js';

/** The rank of each model from its interval. */
export function rankByIntervals(
  intervals: ReadonlyMap<string, RatingInterval>,
): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const [model, own] of intervals) {
    let above = 0;
    for (const [other, interval] of intervals) {
      if (other !== model && interval.lower > own.upper) above++;
    }
    ranks.set(model, 1 + above);
  }
  return ranks;
}
