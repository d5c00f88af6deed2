// Snippets and their highlights. SQLite's snippet() marks matches with two control characters
// that chat text practically never holds (if a message does contain one, a highlight lands in
// the wrong place, which is harmless since the client renders the snippet as text);
// `parseMarkedSnippet` turns them into ranges. PostgreSQL's ts_headline re-parses the whole
// message, too slow for long answers, so its snippets are cut here from the matched terms.
import { foldAccents } from './search-fold.js';

/** Put before a match. */
export const matchStart = '\u0002';
/** Put after a match. */
export const matchEnd = '\u0003';

/** A snippet and where the matches are in it. */
export interface Snippet {
  snippet: string;
  /** [start, end) offsets into `snippet`, in UTF-16 code units. */
  highlights: Array<[number, number]>;
}

/** Strips the marks from `marked`, returning the plain snippet and the marked ranges. */
export function parseMarkedSnippet(marked: string): Snippet {
  let snippet = '';
  const highlights: Array<[number, number]> = [];
  let start: number | undefined;
  for (const character of marked) {
    if (character === matchStart) start = snippet.length;
    else if (character === matchEnd) {
      if (start !== undefined && snippet.length > start) highlights.push([start, snippet.length]);
      start = undefined;
    } else snippet += character;
  }
  return { snippet, highlights };
}

const word = /[\p{L}\p{N}\p{M}]+/gu;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// Where each term occurs in `content` as a whole token, ignoring case and accents, in text order.
function findTerms(content: string, terms: readonly string[]): Array<[number, number, string]> {
  const found: Array<[number, number, string]> = [];
  // Folding keeps every offset: a match in the folded text is at the same place in `content`.
  const text = foldAccents(content);
  for (const term of new Set(terms.map(foldAccents))) {
    if (!term) continue;
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}\\p{M}])${escapeRegExp(term)}(?![\\p{L}\\p{N}\\p{M}])`,
      'giu',
    );
    for (const match of text.matchAll(pattern)) {
      found.push([match.index, match.index + match[0].length, term]);
    }
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  // Drop matches inside an earlier one ('e-mail' and its 'mail').
  const kept: typeof found = [];
  for (const match of found) {
    if (match[0] >= (kept.at(-1)?.[1] ?? 0)) kept.push(match);
  }
  return kept;
}

/**
 * A window of about `words` words of `content` holding as many different `terms` as possible
 * (the earliest such window), with `…` where text was left out and the terms highlighted.
 * Terms are lexemes as the database matched them (lower-cased, accents folded), found as whole
 * tokens.
 * Linear in the length of `content`: answers run to many thousand words.
 */
export function snippetAround(content: string, terms: readonly string[], words = 24): Snippet {
  const tokens = [...content.matchAll(word)].map((match): [number, number] => [
    match.index,
    match.index + match[0].length,
  ]);
  const matches = findTerms(content, terms);
  const first = tokens.length > words ? bestWindow(tokens, matches, words) : 0;
  const last = Math.min(tokens.length, first + words) - 1;
  const from = first > 0 ? tokens[first]![0] : 0;
  const to = last >= 0 && last < tokens.length - 1 ? tokens[last]![1] : content.length;
  const head = from > 0 ? '…' : '';
  const snippet = head + content.slice(from, to) + (to < content.length ? '…' : '');
  const highlights = matches
    .filter(([at, end]) => at >= from && end <= to)
    .map(([at, end]): [number, number] => [at - from + head.length, end - from + head.length]);
  return { snippet, highlights };
}

// The first token of the window: each match with a few words of context before it (as FTS5's
// snippet() leaves), scored by the distinct terms inside, sliding over the matches once.
function bestWindow(
  tokens: ReadonlyArray<[number, number]>,
  matches: ReadonlyArray<[number, number, string]>,
  words: number,
): number {
  const starts: number[] = [];
  let token = 0;
  for (const [offset] of matches) {
    while (token < tokens.length - 1 && tokens[token]![1] <= offset) token++;
    starts.push(token);
  }
  // Matches [out, right) are those inside the current window; windows only move forward.
  const counts = new Map<string, number>();
  const count = (index: number, by: number) => {
    const term = matches[index]![2];
    const total = (counts.get(term) ?? 0) + by;
    if (total) counts.set(term, total);
    else counts.delete(term);
  };
  let best = 0;
  let bestStart = 0;
  let out = 0;
  let right = 0;
  for (const at of starts) {
    const start = Math.max(0, Math.min(at - 3, tokens.length - words));
    while (right < matches.length && starts[right]! < start + words) count(right++, 1);
    while (starts[out]! < start) count(out++, -1);
    if (counts.size > best) [best, bestStart] = [counts.size, start];
  }
  return bestStart;
}
