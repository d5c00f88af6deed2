// Turns what a user types into an FTS5 query with the meaning PostgreSQL's
// websearch_to_tsquery gives it, so both dialects find the same messages. User text never
// reaches FTS5's own syntax: every term becomes a quoted string, so `NEAR(`, `*` or a stray
// quote cannot raise a syntax error.

interface Term {
  text: string;
  negated: boolean;
}

const hasWordCharacter = /[\p{L}\p{N}]/u;
// A "quoted phrase" (closing quote optional, as websearch_to_tsquery allows) or a bare word.
const token = /(-?)"([^"]*)"?|(\S+)/g;

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function group(terms: Term[]): string | undefined {
  const positive = terms.filter((term) => !term.negated).map((term) => quote(term.text));
  // FTS5's NOT is binary: a group of exclusions alone would match everything; drop it.
  if (!positive.length) return undefined;
  const negative = terms.filter((term) => term.negated).map((term) => `NOT ${quote(term.text)}`);
  return [...positive, ...negative].join(' ');
}

/** The FTS5 query for `input` (words ANDed, "phrases", `-excluded`, `or`), or undefined when empty. */
export function toFts5Query(input: string): string | undefined {
  const groups: Term[][] = [[]];
  for (const match of input.matchAll(token)) {
    const [, dash, phrase, bare] = match;
    if (bare !== undefined && bare.toLowerCase() === 'or') {
      if (groups.at(-1)!.length) groups.push([]);
      continue;
    }
    const negated = dash === '-' || (bare?.startsWith('-') ?? false);
    const text = (phrase ?? bare!.replace(/^-/, '')).replace(/"/g, ' ');
    if (hasWordCharacter.test(text)) groups.at(-1)!.push({ text, negated });
  }
  const parts = groups.map(group).filter((part): part is string => part !== undefined);
  return parts.length ? parts.join(' OR ') : undefined;
}
