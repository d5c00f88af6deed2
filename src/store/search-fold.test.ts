// Accent folding as PostgreSQL's translate() applies it: base letters, same length, so that
// snippet offsets found in the folded text point at the same characters of the original.
import { describe, expect, it } from 'vitest';
import { accentTable, foldAccents } from './search-fold.js';

describe('foldAccents', () => {
  it('folds accented Latin letters to their base letter, case kept', () => {
    expect(foldAccents('Comté, café, ÉLÈVE, Ångström, naïve, Việt, Łódź')).toBe(
      'Comte, cafe, ELEVE, Angstrom, naive, Viet, Łodz',
    );
  });

  it('keeps every offset: one character for one', () => {
    const text = 'Où est la crème brûlée ? 😀 Ça coûte 5 €.';
    const folded = foldAccents(text);
    expect(folded).toHaveLength(text.length);
    expect(folded).toBe('Ou est la creme brulee ? 😀 Ca coute 5 €.');
  });

  it('leaves other scripts and letters with no base letter alone', () => {
    expect(foldAccents('Œuvre ß ø Ñandú Привет ё 日本')).toBe('Œuvre ß ø Nandu Привет ё 日本');
  });

  it('is a table of pairs translate() can take', () => {
    expect([...accentTable.from]).toHaveLength(accentTable.from.length);
    expect(accentTable.from).toHaveLength(accentTable.to.length);
    expect(accentTable.from).not.toMatch(/['\\]/);
  });
});
