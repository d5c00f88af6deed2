import { describe, expect, it } from 'vitest';
import { matchEnd, matchStart, parseMarkedSnippet } from './search-snippet.js';

describe('parseMarkedSnippet', () => {
  it('strips the marks and returns the ranges they enclosed', () => {
    const marked = `…the ${matchStart}café${matchEnd} is ${matchStart}open${matchEnd}`;
    const { snippet, highlights } = parseMarkedSnippet(marked);
    expect(snippet).toBe('…the café is open');
    expect(highlights).toEqual([
      [5, 9],
      [13, 17],
    ]);
    expect(highlights.map(([start, end]) => snippet.slice(start, end))).toEqual(['café', 'open']);
  });

  it('counts in UTF-16 units, like JavaScript strings', () => {
    const { snippet, highlights } = parseMarkedSnippet(`🍷 ${matchStart}vin${matchEnd}`);
    expect(snippet.slice(...highlights[0]!)).toBe('vin');
  });
});
