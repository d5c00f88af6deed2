// The arena's ratings, recomputed only when the votes have changed. The bootstrap refits the
// model hundreds of times (about 3 s for 100,000 votes between 12 models on one core), so
// each leaderboard request must not pay for it again while nobody has voted.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import { computeArenaRatings, type ArenaRating } from './arena-ratings.js';
import type { BootstrapOptions } from './bootstrap.js';
import { listVotedBattles } from './voted-battles.js';

/** Ratings and how many votes they count. */
export interface ArenaStanding {
  battles: number;
  ratings: ArenaRating[];
}

/** Keeps the last ratings computed, keyed by the votes' count and newest time. */
export class ArenaRatingsCache {
  private last?: { key: string; standing: Promise<ArenaStanding> };

  constructor(private readonly options: BootstrapOptions = {}) {}

  /** The ratings for the votes stored now. */
  async get(db: Kysely<Database>): Promise<ArenaStanding> {
    const signature = await db
      .selectFrom('arena_votes')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('n'),
        eb.fn.max('created_at').as('newest'),
      ])
      .executeTakeFirstOrThrow();
    // A vote only ever adds a row; a deleted account removes some, which changes the count.
    const key = `${signature.n}|${signature.newest ?? ''}`;
    if (this.last?.key !== key) {
      const standing = listVotedBattles(db).then((battles) => ({
        battles: battles.length,
        ratings: computeArenaRatings(battles, this.options),
      }));
      this.last = { key, standing };
      // A failed read is not kept: the next request tries again.
      standing.catch(() => {
        if (this.last?.standing === standing) this.last = undefined;
      });
    }
    return this.last.standing;
  }
}
