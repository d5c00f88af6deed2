import { describe, expect, it } from 'vitest';
import { expectedScore, onlineElo } from './online-elo.js';

describe('online Elo (K = 4)', () => {
  it('moves both models by K·(score − expected), in order', () => {
    const first = onlineElo([{ modelA: 'x', modelB: 'y', outcome: 'a' }]);
    expect(first.get('x')).toBe(1002);
    expect(first.get('y')).toBe(998);
    const second = onlineElo([
      { modelA: 'x', modelB: 'y', outcome: 'a' },
      { modelA: 'x', modelB: 'y', outcome: 'b' },
    ]);
    // y (998) beats x (1002): expected 1/(1+10^(4/400)) = 0.494244…, so y gains 4·0.505756.
    expect(second.get('y')).toBeCloseTo(998 + 4 * (1 - 1 / (1 + 10 ** (4 / 400))), 10);
    expect(second.get('y')).toBeCloseTo(1000.023023, 5);
    expect(second.get('x')! + second.get('y')!).toBeCloseTo(2000, 10);
  });

  it('leaves equals unchanged on a tie or "both bad", and moves unequal ones toward each other', () => {
    const even = onlineElo([
      { modelA: 'x', modelB: 'y', outcome: 'tie' },
      { modelA: 'y', modelB: 'x', outcome: 'both_bad' },
    ]);
    expect(even.get('x')).toBe(1000);
    const uneven = onlineElo([
      ...Array(10).fill({ modelA: 'x', modelB: 'y', outcome: 'a' }),
      { modelA: 'x', modelB: 'y', outcome: 'tie' },
    ]);
    const before = onlineElo(Array(10).fill({ modelA: 'x', modelB: 'y', outcome: 'a' }));
    expect(uneven.get('x')).toBeLessThan(before.get('x')!);
  });

  it('expects 10:1 odds 400 points apart', () => {
    expect(expectedScore(1400, 1000)).toBeCloseTo(10 / 11, 12);
    expect(expectedScore(1000, 1000)).toBe(0.5);
  });

  it('uses another K when asked', () => {
    expect(onlineElo([{ modelA: 'x', modelB: 'y', outcome: 'a' }], { k: 32 }).get('x')).toBe(1016);
  });
});
