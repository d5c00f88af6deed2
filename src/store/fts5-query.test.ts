import { describe, expect, it } from 'vitest';
import { toFts5Query } from './fts5-query.js';

describe('toFts5Query', () => {
  it('quotes every word so user text never reaches FTS5 syntax', () => {
    expect(toFts5Query('hello world')).toBe('"hello" "world"');
    expect(toFts5Query('NEAR(a b) c*')).toBe('"NEAR(a" "b)" "c*"');
    expect(toFts5Query('say "hi')).toBe('"say" "hi"');
  });

  it('keeps phrases, exclusions and or as websearch_to_tsquery reads them', () => {
    expect(toFts5Query('"red wine" cheese')).toBe('"red wine" "cheese"');
    expect(toFts5Query('wine -red')).toBe('"wine" NOT "red"');
    expect(toFts5Query('wine -"red wine"')).toBe('"wine" NOT "red wine"');
    expect(toFts5Query('cats or dogs fish')).toBe('"cats" OR "dogs" "fish"');
  });

  it('finds nothing to search in punctuation, lone exclusions or a bare or', () => {
    expect(toFts5Query('')).toBeUndefined();
    expect(toFts5Query(' ... !! ')).toBeUndefined();
    expect(toFts5Query('-red')).toBeUndefined();
    expect(toFts5Query('or')).toBeUndefined();
  });

  it('escapes quotes inside terms', () => {
    expect(toFts5Query('l"avion')).toBe('"l avion"');
  });
});
