import { describe, expect, it } from 'vitest';
import { newId, randomToken } from './ids.js';

describe('ids', () => {
  it('makes tokens of the asked length from the base62 alphabet', () => {
    for (const length of [0, 1, 24, 40, 10_000]) {
      expect(randomToken(length)).toMatch(new RegExp(`^[0-9A-Za-z]{${length}}$`));
    }
    expect(newId('chatcmpl')).toMatch(/^chatcmpl-[0-9A-Za-z]{24}$/);
  });

  it('never repeats a token, across many refills of the random pool', () => {
    const tokens = new Set(Array.from({ length: 5_000 }, () => randomToken(24)));
    expect(tokens.size).toBe(5_000);
  });

  it('uses every character about equally often', () => {
    const counts = new Map<string, number>();
    for (const character of randomToken(124_000)) {
      counts.set(character, (counts.get(character) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    // 2,000 expected each; a standard deviation is ~44, so ±300 fails only on a real bias.
    for (const count of counts.values()) expect(Math.abs(count - 2_000)).toBeLessThan(300);
  });
});
