import { describe, expect, it } from 'vitest';
import { macroAverage, proportion, wilsonInterval } from './statistics.js';

describe('statistics', () => {
  it('Wilson interval matches the textbook values', () => {
    // 81/263 (Wilson 1927 style worked example): 0.2553–0.3662 by the closed formula.
    const [low, high] = wilsonInterval(81, 263);
    expect(low).toBeCloseTo(0.2553, 3);
    expect(high).toBeCloseTo(0.3662, 3);
    // All right or all wrong stays inside [0, 1] and is not degenerate.
    expect(wilsonInterval(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilsonInterval(10, 10)[0]).toBeCloseTo(0.7225, 3);
    expect(wilsonInterval(0, 10)[0]).toBeCloseTo(0, 12);
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it('micro counts questions, macro counts subjects', () => {
    const subjects = [
      { correct: 9, n: 10 },
      { correct: 10, n: 100 },
    ];
    expect(proportion(19, 110).acc).toBeCloseTo(19 / 110, 12);
    const macro = macroAverage(subjects);
    expect(macro.acc).toBeCloseTo((0.9 + 0.1) / 2, 12);
    expect(macro.n).toBe(110);
    const half = (1.96 * Math.sqrt((0.9 * 0.1) / 10 + (0.1 * 0.9) / 100)) / 2;
    expect(macro.ci[0]).toBeCloseTo(0.5 - half, 3);
    expect(macro.ci[1]).toBeCloseTo(0.5 + half, 3);
  });
});
