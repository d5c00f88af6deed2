// One row per model for the leaderboard: Bradley–Terry rating, its 95% bootstrap interval, the
// rank those intervals give, the online Elo, and the battle counts.
import { scoreOfA, type RatedBattle } from './battle-outcome.js';
import { bootstrapIntervals, type BootstrapOptions } from './bootstrap.js';
import { fitBradleyTerry } from './bradley-terry.js';
import { rankByIntervals } from './interval-rank.js';
import { onlineElo } from './online-elo.js';

/** A model's arena standing. */
export interface ArenaRating {
  model: string;
  rank: number;
  /** Bradley–Terry, in rating points (mean of the models 1000). */
  rating: number;
  lower: number;
  upper: number;
  /** Online Elo, K = 4. */
  elo: number;
  battles: number;
  wins: number;
  ties: number;
  losses: number;
}

/** Rates every model that took part in `battles` (in voting order), best first. */
export function computeArenaRatings(
  battles: readonly RatedBattle[],
  options: BootstrapOptions = {},
): ArenaRating[] {
  const ratings = fitBradleyTerry(battles, options);
  const intervals = bootstrapIntervals(battles, options);
  const ranks = rankByIntervals(intervals);
  const elo = onlineElo(battles);
  const tally = new Map<string, { wins: number; ties: number; losses: number }>();
  const add = (model: string, score: number) => {
    const counts = tally.get(model) ?? { wins: 0, ties: 0, losses: 0 };
    if (score === 1) counts.wins++;
    else if (score === 0) counts.losses++;
    else counts.ties++;
    tally.set(model, counts);
  };
  for (const battle of battles) {
    if (battle.modelA === battle.modelB) continue;
    add(battle.modelA, scoreOfA(battle.outcome));
    add(battle.modelB, 1 - scoreOfA(battle.outcome));
  }
  return [...ratings]
    .map(([model, rating]) => {
      const counts = tally.get(model) ?? { wins: 0, ties: 0, losses: 0 };
      const interval = intervals.get(model) ?? { lower: rating, upper: rating };
      return {
        model,
        rank: ranks.get(model) ?? 1,
        rating,
        lower: interval.lower,
        upper: interval.upper,
        elo: elo.get(model) ?? 1000,
        battles: counts.wins + counts.ties + counts.losses,
        ...counts,
      };
    })
    .sort((x, y) => y.rating - x.rating || x.model.localeCompare(y.model));
}
