import { describe, expect, it } from 'vitest';
import { computeArenaRatings } from './arena-ratings.js';
import type { RatedBattle } from './battle-outcome.js';
import { fitBradleyTerry } from './bradley-terry.js';
import { syntheticBattles } from './synthetic-battles.js';

// True strengths centred on 1000, the fit's origin (its prior makes the mean rating 1000).
const truth = { alpha: 1150, beta: 1060, gamma: 990, delta: 800 };

const repeat = (n: number, battle: RatedBattle): RatedBattle[] => Array(n).fill(battle);

describe('Bradley–Terry fit', () => {
  it('recovers the order and the strengths of a synthetic battle set with ties', () => {
    const battles = syntheticBattles(truth, { perPair: 400, tieRate: 0.2, seed: 7 });
    expect(
      battles.filter((b) => b.outcome === 'tie' || b.outcome === 'both_bad').length,
    ).toBeGreaterThan(400);
    const rows = computeArenaRatings(battles, { resamples: 300, seed: 1 });
    expect(rows.map((row) => row.model)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    const mean = rows.reduce((sum, row) => sum + row.rating, 0) / rows.length;
    expect(mean).toBeCloseTo(1000, 6);
    for (const row of rows) {
      const real = truth[row.model as keyof typeof truth];
      expect(row.lower).toBeLessThan(row.rating);
      expect(row.upper).toBeGreaterThan(row.rating);
      expect(real).toBeGreaterThanOrEqual(row.lower);
      expect(real).toBeLessThanOrEqual(row.upper);
      expect(Math.abs(row.rating - real)).toBeLessThan(40);
      expect(row.battles).toBe(1200);
    }
  });

  it('gives 95% intervals that contain the truth about 95% of the time', () => {
    let covered = 0;
    let total = 0;
    for (let seed = 100; seed < 120; seed++) {
      const battles = syntheticBattles(truth, { perPair: 120, tieRate: 0.2, seed });
      for (const row of computeArenaRatings(battles, { resamples: 200, seed })) {
        const real = truth[row.model as keyof typeof truth];
        if (real >= row.lower && real <= row.upper) covered++;
        total++;
      }
    }
    // 80 intervals at 95%: fewer than 68 covering (85%) would mean intervals that are too narrow.
    expect(covered / total).toBeGreaterThanOrEqual(0.85);
    expect(covered / total).toBeLessThan(1.0001);
  });

  it('matches the closed form for two models when the prior is negligible', () => {
    const battles = [
      ...repeat(30, { modelA: 'x', modelB: 'y', outcome: 'a' }),
      ...repeat(10, { modelA: 'y', modelB: 'x', outcome: 'a' }),
    ];
    const ratings = fitBradleyTerry(battles, { priorPrecision: 1e-9 });
    // 30 of 40: odds 3:1, so 400·log10(3) points apart, around 1000.
    expect(ratings.get('x')! - ratings.get('y')!).toBeCloseTo(400 * Math.log10(3), 4);
    expect(ratings.get('x')! + ratings.get('y')!).toBeCloseTo(2000, 6);
  });

  it('counts a tie and "both bad" as half a win each', () => {
    const ties = [
      ...repeat(5, { modelA: 'x', modelB: 'y', outcome: 'tie' }),
      ...repeat(5, { modelA: 'y', modelB: 'x', outcome: 'both_bad' }),
    ];
    const even = fitBradleyTerry(ties, { priorPrecision: 1e-9 });
    expect(even.get('x')).toBeCloseTo(1000, 6);
    // 10 wins, 10 losses and 20 ties: the same as 20 wins and 20 losses, so equal ratings.
    const mixed = fitBradleyTerry([
      ...repeat(10, { modelA: 'x', modelB: 'y', outcome: 'a' }),
      ...repeat(10, { modelA: 'x', modelB: 'y', outcome: 'b' }),
      ...repeat(20, { modelA: 'x', modelB: 'y', outcome: 'tie' }),
    ]);
    expect(mixed.get('x')).toBeCloseTo(mixed.get('y')!, 6);
    // 3 wins and 2 ties of 5 is a score of 4 of 5: odds 4:1.
    const lopsided = fitBradleyTerry(
      [
        ...repeat(3, { modelA: 'x', modelB: 'y', outcome: 'a' }),
        ...repeat(2, { modelA: 'x', modelB: 'y', outcome: 'tie' }),
      ],
      { priorPrecision: 1e-9 },
    );
    expect(lopsided.get('x')! - lopsided.get('y')!).toBeCloseTo(400 * Math.log10(4), 3);
  });

  it('keeps a model that won every battle finite, first, and not absurdly far ahead', () => {
    const battles = [
      ...repeat(6, { modelA: 'champ', modelB: 'mid', outcome: 'a' }),
      ...repeat(4, { modelA: 'low', modelB: 'champ', outcome: 'b' }),
      ...repeat(5, { modelA: 'mid', modelB: 'low', outcome: 'a' }),
      ...repeat(5, { modelA: 'mid', modelB: 'low', outcome: 'b' }),
    ];
    const rows = computeArenaRatings(battles, { resamples: 200 });
    expect(rows[0]).toMatchObject({ model: 'champ', wins: 10, losses: 0, ties: 0 });
    for (const row of rows) {
      expect(Number.isFinite(row.rating)).toBe(true);
      expect(Number.isFinite(row.upper)).toBe(true);
    }
    expect(rows[0]!.rating).toBeGreaterThan(rows[1]!.rating + 100);
    expect(rows[0]!.rating).toBeLessThan(1800);
  });

  it('rates nothing when there are no battles', () => {
    expect(computeArenaRatings([])).toEqual([]);
  });
});
