// 95% intervals by bootstrap over battles: draw as many battles as there are, with replacement,
// refit, and take the 2.5th and 97.5th percentiles of each model's rating. Seeded, so the same
// battles always give the same intervals.
import type { RatedBattle } from './battle-outcome.js';
import {
  fitStrengths,
  indexBattles,
  ratingOrigin,
  ratingScale,
  type FitOptions,
  type PairCounts,
} from './bradley-terry.js';
import { seededRandom } from './seeded-random.js';

/** How to bootstrap. */
export interface BootstrapOptions extends FitOptions {
  /** Resamples; default 500. */
  resamples?: number;
  seed?: number;
}

/** A model's 95% interval in rating points. */
export interface RatingInterval {
  lower: number;
  upper: number;
}

/** The value at fraction `q` of sorted `values`, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Each model's 95% bootstrap interval. A resample that happens to leave a model out says
 * nothing about it, so its percentiles are taken over the resamples where it played (not
 * filled with the prior's 1000).
 */
export function bootstrapIntervals(
  battles: readonly RatedBattle[],
  options: BootstrapOptions = {},
): Map<string, RatingInterval> {
  const random = seededRandom(options.seed ?? 20240307);
  const resamples = options.resamples ?? 500;
  const samples = new Map<string, number[]>();
  const { models, pairOf, scoreOf, pairModels } = indexBattles(battles);
  const n = battles.length;
  const games = new Float64Array(pairModels.length);
  const scores = new Float64Array(pairModels.length);
  for (let s = 0; s < resamples && n > 0; s++) {
    // Each draw adds one battle straight into its pair's counts: no per-battle weights pass.
    games.fill(0);
    scores.fill(0);
    for (let k = 0; k < n; k++) {
      const drawn = Math.floor(random() * n);
      const pair = pairOf[drawn]!;
      if (pair < 0) continue;
      games[pair]! += 1;
      scores[pair]! += scoreOf[drawn]!;
    }
    const counts: PairCounts = {
      models,
      pairs: pairModels
        .map(([i, j], p) => ({ i, j, games: games[p]!, scoreI: scores[p]! }))
        .filter((pair) => pair.games > 0),
    };
    const played = new Set<number>();
    for (const pair of counts.pairs) played.add(pair.i).add(pair.j);
    const r = fitStrengths(counts, options);
    for (const i of played) {
      const model = counts.models[i]!;
      const list = samples.get(model) ?? [];
      list.push(ratingScale * r[i]! + ratingOrigin);
      samples.set(model, list);
    }
  }
  const intervals = new Map<string, RatingInterval>();
  for (const [model, values] of samples) {
    values.sort((x, y) => x - y);
    intervals.set(model, { lower: quantile(values, 0.025), upper: quantile(values, 0.975) });
  }
  return intervals;
}
