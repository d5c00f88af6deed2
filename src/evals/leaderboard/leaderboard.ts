// The leaderboard: arena ratings from the votes, and MMLU (the runs measured here beside the
// scores model makers published). It only reads; the MMLU runs come from whoever stores them.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { computeArenaRatings, type ArenaRating } from '../arena/arena-ratings.js';
import { eloK } from '../arena/online-elo.js';
import { listVotedBattles } from '../arena/voted-battles.js';
import { publishedMmluScores, type PublishedMmluScore } from '../published-mmlu.js';

/** One MMLU run measured on this server, as the leaderboard shows it. */
export interface MmluRunSummary {
  id: string;
  model: string;
  /** Accuracy over questions (the paper's headline), as a fraction. */
  micro: number;
  /** Mean of the per-subject accuracies, as a fraction. */
  macro: number;
  /** 95% interval of `micro`, as fractions, when the run reported one. */
  microLower?: number;
  microUpper?: number;
  /** Questions answered. */
  n: number;
  shots: number;
  /** How answers were scored (e.g. `logprobs`, `chat-logprobs`, `generate`). */
  method: string;
  finishedAt: string;
  subjects: Record<string, { acc: number; n: number }>;
}

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
  mmlu: { runs: MmluRunSummary[]; published: readonly PublishedMmluScore[] };
  generatedAt: string;
}

/** Resamples for the arena's intervals: enough for stable 2.5% tails, fast for 100k votes. */
export const arenaResamples = 500;

/** Builds the leaderboard from the votes and the MMLU runs `listMmluRuns` returns. */
export async function buildLeaderboard(deps: {
  db: Kysely<Database>;
  listMmluRuns(): Promise<MmluRunSummary[]>;
}): Promise<Leaderboard> {
  const [battles, runs] = await Promise.all([listVotedBattles(deps.db), deps.listMmluRuns()]);
  return {
    arena: {
      battles: battles.length,
      ratings: computeArenaRatings(battles, { resamples: arenaResamples }),
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
      runs: [...runs].sort((x, y) => y.micro - x.micro),
      published: publishedMmluScores,
    },
    generatedAt: new Date().toISOString(),
  };
}
