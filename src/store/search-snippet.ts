// The marks both dialects put around matches in a snippet. Control characters that chat text
// practically never holds; if a message does contain one, a highlight lands in the wrong place,
// which is harmless since the client renders the snippet as text.

/** Put before a match. */
export const matchStart = '\u0002';
/** Put after a match. */
export const matchEnd = '\u0003';

/** Strips the marks from `marked`, returning the plain snippet and the marked ranges. */
export function parseMarkedSnippet(marked: string): {
  snippet: string;
  highlights: Array<[number, number]>;
} {
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
