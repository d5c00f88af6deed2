// The inline part of the light Markdown reader (light-blocks.ts): text, `code`, *emphasis* and
// **strong**, in the plainest forms only, read exactly as micromark would. Anything that
// CommonMark or GFM could read in another way gives undefined, and the full parser takes over.

/** A piece of inline content. */
export type LightInline =
  | string
  | { type: 'code'; text: string }
  | { type: 'emphasis' | 'strong'; children: LightInline[] };

// Escapes, entities, HTML and autolinks, links and images, `_` emphasis, strikethrough, and
// GFM's bare autolinks (www., schemes, emails).
const unsafe = /[\\&<[\]_~@]|www\.|(?:https?|mailto|xmpp):/i;
const word = /[\p{L}\p{N}]/u;
// Around a `*`/`**` run, only these make it an opener that cannot close, or a closer that
// cannot open (CommonMark's flanking rules), so that pairs match as they would in micromark.
const beforeOpener = /[\s(]/;
const punctuationBeforeCloser = /[.,;:!?)`]/;
const afterCloser = /[\s.,;:!?)]/;

const isWord = (character: string | undefined) => character !== undefined && word.test(character);

function opens(before: string | undefined, after: string | undefined): boolean {
  return (
    (before === undefined || beforeOpener.test(before)) && after !== undefined && !/\s/.test(after)
  );
}

function closes(before: string | undefined, after: string | undefined): boolean {
  if (isWord(before)) return after === undefined || afterCloser.test(after);
  return (
    before !== undefined &&
    punctuationBeforeCloser.test(before) &&
    (after === undefined || /\s/.test(after))
  );
}

/**
 * Reads a paragraph's (or a heading's, list item's, table cell's) text; undefined when it holds
 * anything beyond plain text, single-backtick code spans and unnested `*`/`**` emphasis whose
 * delimiters can only open, and only close, where they stand.
 */
export function parseInline(text: string): LightInline[] | undefined {
  if (unsafe.test(text)) return undefined;
  const root: LightInline[] = [];
  let open: { run: number; children: LightInline[] } | undefined;
  let current = root;
  let buffer = '';
  const flush = () => {
    if (buffer) current.push(buffer);
    buffer = '';
  };
  for (let index = 0; index < text.length;) {
    const character = text[index];
    if (character === '`') {
      // A single backtick on each side, nothing that CommonMark would strip or join.
      const end = text.indexOf('`', index + 1);
      if (text[index + 1] === '`' || end < 0 || text[end + 1] === '`') return undefined;
      const code = text.slice(index + 1, end);
      if (code.startsWith(' ') || code.endsWith(' ') || code.includes('\n')) return undefined;
      flush();
      current.push({ type: 'code', text: code });
      index = end + 1;
    } else if (character === '*') {
      const run = text[index + 1] === '*' ? 2 : 1;
      if (text[index + run] === '*') return undefined;
      const before = text[index - 1];
      const after = text[index + run];
      flush();
      if (!open) {
        if (!opens(before, after)) return undefined;
        open = { run, children: [] };
        current = open.children;
      } else {
        if (run !== open.run || !closes(before, after)) return undefined;
        root.push({ type: run === 2 ? 'strong' : 'emphasis', children: open.children });
        open = undefined;
        current = root;
      }
      index += run;
    } else {
      buffer += character;
      index += 1;
    }
  }
  if (open) return undefined;
  flush();
  return root;
}
