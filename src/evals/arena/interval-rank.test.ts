import { describe, expect, it } from 'vitest';
import { quantile } from './bootstrap.js';
import { rankByIntervals } from './interval-rank.js';

describe('rank from intervals', () => {
  it('is 1 + the number of models whose lower bound is above this upper bound', () => {
    const ranks = rankByIntervals(
      new Map([
        ['a', { lower: 1100, upper: 1200 }],
        ['b', { lower: 1050, upper: 1150 }],
        ['c', { lower: 900, upper: 1040 }],
        ['d', { lower: 800, upper: 890 }],
        ['e', { lower: 860, upper: 900 }],
      ]),
    );
    // b overlaps a: both first. c is below a and b. d is below a, b, c (900 > 890) — and e's
    // lower bound (860) is not above d's upper bound. e touches c (900 is not above 900).
    expect(Object.fromEntries(ranks)).toEqual({ a: 1, b: 1, c: 3, d: 4, e: 3 });
  });

  it('interpolates percentiles between neighbours', () => {
    expect(quantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 12);
    expect(quantile([7], 0.975)).toBe(7);
  });
});
