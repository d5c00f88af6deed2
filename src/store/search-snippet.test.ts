import { describe, expect, it } from 'vitest';
import { matchEnd, matchStart, parseMarkedSnippet, snippetAround } from './search-snippet.js';

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

describe('snippetAround', () => {
  const highlighted = ({ snippet, highlights }: ReturnType<typeof snippetAround>) =>
    highlights.map(([start, end]) => snippet.slice(start, end));

  it('keeps a short message whole and highlights whole tokens, whatever their case', () => {
    const result = snippetAround('Which red Wine goes with a wine-tasting? Not wines.', ['wine']);
    expect(result.snippet).toBe('Which red Wine goes with a wine-tasting? Not wines.');
    expect(highlighted(result)).toEqual(['Wine', 'wine']);
  });

  it('cuts a long message around the window with the most terms, with ellipses', () => {
    const content = `${'lorem ipsum '.repeat(40)}red ${'dolor '.repeat(5)}red wine ${'sit amet '.repeat(40)}`;
    const result = snippetAround(content, ['red', 'wine']);
    expect(result.snippet.startsWith('…')).toBe(true);
    expect(result.snippet.endsWith('…')).toBe(true);
    expect(result.snippet.split(/\s+/).length).toBeLessThanOrEqual(24);
    expect(highlighted(result)).toEqual(['red', 'red', 'wine']);
  });

  it('highlights lexemes with punctuation once, not their parts again', () => {
    const result = snippetAround('Send the e-mail to ops@example.com now', [
      'e-mail',
      'e',
      'mail',
      'ops@example.com',
    ]);
    expect(highlighted(result)).toEqual(['e-mail', 'ops@example.com']);
  });

  it('counts in UTF-16 units and falls back to the start when nothing is found', () => {
    expect(highlighted(snippetAround('🍷 Vin de Jura', ['jura']))).toEqual(['Jura']);
    const long = 'word '.repeat(50);
    const result = snippetAround(long, ['absent']);
    expect(result.highlights).toEqual([]);
    expect(result.snippet.startsWith('word')).toBe(true);
    expect(result.snippet.endsWith('…')).toBe(true);
  });
});
