// Bradley–Terry ratings by maximum likelihood, in the logistic form Chatbot Arena uses:
//   P(i beats j) = 1 / (1 + 10^(r_j − r_i)),  rating = 400·r + 1000,
// so 400 rating points are 10:1 odds, as in Elo. A tie (or "both bad") counts as half a win for
// each side. Battles are first folded into one count per pair, so a fit costs the same for a
// thousand battles as for ten.
//
// A model that won (or lost) every battle has no finite maximum: its r would run off to ±∞.
// We therefore maximise the log-likelihood minus λ/2·Σ r_i², i.e. a Gaussian prior
// r_i ~ N(0, 1/λ). With λ = 1 that prior is N(0, 400²) in rating points, worth less than one
// battle's information (a battle between equals adds ln(10)²/4 ≈ 1.3 to the curvature), so it
// only matters where the data say nothing. It also fixes the scale's origin: at the optimum
// Σ r_i = 0 exactly (each battle's gradient sums to zero), so the mean rating is 1000.
// The objective is strictly concave, and Newton's method reaches its maximum in a few steps.
import { scoreOfA, type RatedBattle } from './battle-outcome.js';

/** Rating points per logistic unit (base 10) and the rating of an average model. */
export const ratingScale = 400;
export const ratingOrigin = 1000;

/** Options of the fit. */
export interface FitOptions {
  /** λ of the Gaussian prior on r (base-10 units); default 1. */
  priorPrecision?: number;
  /** Most Newton steps; default 50 (a few usually suffice). */
  maxIterations?: number;
}

/** Battles folded per pair of model indexes: how many, and the first model's score. */
export interface PairCounts {
  models: string[];
  /** `i` < `j`, battles between them, and i's score summed (wins + ½ ties). */
  pairs: { i: number; j: number; games: number; scoreI: number }[];
}

/**
 * Battles reduced once to numbers: the models sorted by name (fits are reproducible), each
 * battle's pair and the score of the pair's first model. Bootstrap resamples reuse it.
 */
export interface IndexedBattles {
  models: string[];
  pairOf: Int32Array;
  scoreOf: Float64Array;
  pairModels: [i: number, j: number][];
}

/** Indexes battles by pair; a battle of a model against itself is left out. */
export function indexBattles(battles: readonly RatedBattle[]): IndexedBattles {
  const models = [...new Set(battles.flatMap((b) => [b.modelA, b.modelB]))].sort();
  const index = new Map(models.map((model, i) => [model, i]));
  const pairIndex = new Map<number, number>();
  const pairModels: [number, number][] = [];
  const pairOf = new Int32Array(battles.length).fill(-1);
  const scoreOf = new Float64Array(battles.length);
  battles.forEach((battle, n) => {
    if (battle.modelA === battle.modelB) return;
    const a = index.get(battle.modelA)!;
    const b = index.get(battle.modelB)!;
    const score = scoreOfA(battle.outcome);
    const [i, j] = a < b ? [a, b] : [b, a];
    const key = i * models.length + j;
    let pair = pairIndex.get(key);
    if (pair === undefined) {
      pair = pairModels.push([i, j]) - 1;
      pairIndex.set(key, pair);
    }
    pairOf[n] = pair;
    scoreOf[n] = a < b ? score : 1 - score;
  });
  return { models, pairOf, scoreOf, pairModels };
}

/** Folds indexed battles into per-pair counts, each battle counted `weights[n]` times (once). */
export function countPairs(indexed: IndexedBattles, weights?: ArrayLike<number>): PairCounts {
  const games = new Float64Array(indexed.pairModels.length);
  const scores = new Float64Array(indexed.pairModels.length);
  for (let n = 0; n < indexed.pairOf.length; n++) {
    const pair = indexed.pairOf[n]!;
    if (pair < 0) continue;
    const weight = weights ? weights[n]! : 1;
    games[pair]! += weight;
    scores[pair]! += weight * indexed.scoreOf[n]!;
  }
  const pairs = indexed.pairModels
    .map(([i, j], p) => ({ i, j, games: games[p]!, scoreI: scores[p]! }))
    .filter((pair) => pair.games > 0);
  return { models: indexed.models, pairs };
}

/** The maximum a-posteriori r (base-10 logistic units) of each model in `counts.models`. */
export function fitStrengths(counts: PairCounts, options: FitOptions = {}): number[] {
  const n = counts.models.length;
  const lambda = options.priorPrecision ?? 1;
  const r = new Array<number>(n).fill(0);
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    // Gradient and negated Hessian of the penalised log-likelihood.
    const gradient = r.map((value) => -lambda * value);
    const curvature = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => (i === j ? lambda : 0)),
    );
    for (const { i, j, games, scoreI } of counts.pairs) {
      const p = 1 / (1 + 10 ** (r[j]! - r[i]!));
      const g = Math.LN10 * (scoreI - games * p);
      const h = Math.LN10 ** 2 * games * p * (1 - p);
      gradient[i]! += g;
      gradient[j]! -= g;
      curvature[i]![i]! += h;
      curvature[j]![j]! += h;
      curvature[i]![j]! -= h;
      curvature[j]![i]! -= h;
    }
    const step = solve(curvature, gradient);
    let largest = 0;
    for (let k = 0; k < n; k++) {
      r[k]! += step[k]!;
      largest = Math.max(largest, Math.abs(step[k]!));
    }
    // 1e-9 logistic units is 4e-7 rating points: far below what the table shows.
    if (largest < 1e-9) break;
  }
  return r;
}

/** Rating points of each model: 400·r + 1000. */
export function fitBradleyTerry(
  battles: readonly RatedBattle[],
  options: FitOptions = {},
): Map<string, number> {
  const counts = countPairs(indexBattles(battles));
  const r = fitStrengths(counts, options);
  return new Map(counts.models.map((model, i) => [model, ratingScale * r[i]! + ratingOrigin]));
}

// Solves A·x = b for a symmetric positive-definite A (Cholesky); A and b are left unchanged.
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(sum) : sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
