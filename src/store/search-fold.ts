// Accent folding for message search, so that `cafe` finds `café` and `Comté` finds `comte` on
// both dialects. SQLite's FTS5 tokenizer folds Latin diacritics itself (`remove_diacritics 2`);
// PostgreSQL's `simple` configuration does not, and its `unaccent` extension is not always
// installable. So PostgreSQL indexes and queries the text through `translate(text, from, to)`
// with the table below: each accented Latin letter to its base letter, one character for one.
//
// The table is part of the schema: migration 0014 builds the stored search vector with it.
// Changing it needs a new migration that rebuilds that column.

/** Blocks of Latin letters with diacritics: Latin-1, Extended-A and -B, Extended Additional. */
const latinBlocks: Array<[number, number]> = [
  [0x00c0, 0x024f],
  [0x1e00, 0x1eff],
];

/** The base letter of `character`, when removing its marks leaves exactly one other letter. */
function baseLetter(character: string): string | undefined {
  const base = character.normalize('NFD').replace(/\p{M}/gu, '');
  return base.length === 1 && base !== character && /\p{L}/u.test(base) ? base : undefined;
}

function buildTable(): { from: string; to: string } {
  let from = '';
  let to = '';
  for (const [first, last] of latinBlocks) {
    for (let code = first; code <= last; code++) {
      const character = String.fromCharCode(code);
      const base = baseLetter(character);
      if (base) {
        from += character;
        to += base;
      }
    }
  }
  return { from, to };
}

/** `translate`'s second and third arguments: accented letters and their base letters. */
export const accentTable: Readonly<{ from: string; to: string }> = buildTable();

const folded = new Map(
  [...accentTable.from].map((character, index) => [character, accentTable.to[index]!]),
);

/**
 * `text` with the table's letters folded, as PostgreSQL's `translate` does: the same length,
 * so an offset into the result is the same offset into `text`.
 */
export function foldAccents(text: string): string {
  let result = '';
  for (const character of text) result += folded.get(character) ?? character;
  return result;
}
