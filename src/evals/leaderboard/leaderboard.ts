// The leaderboard: arena ratings from the votes, and MMLU (the runs measured here beside the
// scores model makers published). It only reads.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import type { ArenaRating } from '../arena/arena-ratings.js';
import { eloK } from '../arena/online-elo.js';
import { ArenaRatingsCache } from '../arena/ratings-cache.js';
import { publishedMmluScores, type PublishedScore } from '../mmlu/published-scores.js';
import { listMmluRunSummaries, type MmluRunSummary } from './mmlu-run-summaries.js';

/** What the leaderboard page and its exports show. */
export interface Leaderboard {
  arena: {
    /** Voted battles counted. */
    battles: number;
    ratings: ArenaRating[];
    method: {
      model: 'bradley-terry';
      scale: string;
      ties: string;
      prior: string;
      interval: string;
      rank: string;
      elo: string;
    };
  };
  mmlu: { runs: MmluRunSummary[]; published: readonly PublishedScore[] };
  generatedAt: string;
}

/** Resamples for the arena's intervals: enough for stable 2.5% tails, fast for 100k votes. */
export const arenaResamples = 500;

/** The arena's ratings as the leaderboard computes them (one per server: they are cached). */
export function createArenaRatings(): ArenaRatingsCache {
  return new ArenaRatingsCache({ resamples: arenaResamples });
}

/** Builds the leaderboard from the arena's votes and the finished MMLU runs. */
export async function buildLeaderboard(
  db: Kysely<Database>,
  arenaRatings: ArenaRatingsCache = createArenaRatings(),
): Promise<Leaderboard> {
  const [standing, runs] = await Promise.all([arenaRatings.get(db), listMmluRunSummaries(db)]);
  return {
    arena: {
      ...standing,
      method: {
        model: 'bradley-terry',
        scale: 'P(i beats j) = 1 / (1 + 10^((R_j - R_i) / 400)); mean rating 1000',
        ties: 'a tie or "both bad" is half a win for each model',
        prior: 'Gaussian prior N(1000, 400^2) on each rating, so unbeaten models stay finite',
        interval: `95% percentile bootstrap over battles, ${arenaResamples} resamples, seeded`,
        rank: "1 + the number of models whose lower bound is above this model's upper bound",
        elo: `online Elo in voting order, K = ${eloK}, from 1000`,
      },
    },
    mmlu: {
      runs,
      published: publishedMmluScores,
    },
    generatedAt: new Date().toISOString(),
  };
}
