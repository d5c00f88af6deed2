import { describe, expect, it } from 'vitest';
import { tsqueryLexemes } from './search.postgres.js';

describe('tsqueryLexemes', () => {
  it('reads the lexemes of a tsquery’s text form, unescaped', () => {
    expect(tsqueryLexemes(`'red' <-> 'wine' & 'l''eau' | 'a\\\\b'`)).toEqual([
      'red',
      'wine',
      "l'eau",
      'a\\b',
    ]);
    expect(tsqueryLexemes('T')).toEqual([]);
  });
});
