import { describe, expect, it } from 'vitest';
import { newId, newTimeOrderedId, randomToken } from './ids.js';

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

  it('makes time-ordered ids that sort by their millisecond, byte-wise and by locale', () => {
    const times = [0, 1, 35, 36, 1_700_000_000_000, 1_764_000_000_000, 1_764_000_000_001];
    const ids = times.map((now) => newTimeOrderedId('usage', 24, now));
    for (const id of ids) expect(id).toMatch(/^usage-[0-9a-z]{9}[0-9A-Za-z]{15}$/);
    const byteWise = [...ids].reverse().sort();
    const byLocale = [...ids].reverse().sort((a, b) => a.localeCompare(b, 'en'));
    expect(byteWise).toEqual(ids);
    expect(byLocale).toEqual(ids);
    // Within one millisecond the random part keeps them apart.
    const same = new Set(Array.from({ length: 1_000 }, () => newTimeOrderedId('usage', 24, 5)));
    expect(same.size).toBe(1_000);
  });
});
