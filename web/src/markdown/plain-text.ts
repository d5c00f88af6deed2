// A shortcut for text with no Markdown in it, which most short replies are: its paragraphs,
// as react-markdown would render them, without running the parser (a few ms per message).

// Anything Markdown or GFM could read as syntax: emphasis, code, links and images, HTML and
// entities, escapes, headings, tables, strikethrough, math, and GFM's bare autolinks (`www.`,
// `https:` and the like, emails).
const syntaxCharacter = /[\\`*_~[\]<>#|!&$@\t\r]|www\.|(?:https?|mailto|xmpp):/i;
// Line starts that make lists, quotes, setext headings, thematic breaks ("1." and "1)" too) or
// indented code, and two spaces before a newline (a hard line break).
const syntaxLine = /^ *(?:[-+=>]|\d+[.)])|^ {4}| {2,}\n/m;

/**
 * The paragraphs of `text` when Markdown would render it as nothing but paragraphs of the same
 * words (each line trimmed, lines joined by a newline, which displays as a space); undefined
 * when it holds anything Markdown could read otherwise.
 */
export function plainParagraphs(text: string): string[] | undefined {
  if (syntaxCharacter.test(text) || syntaxLine.test(text)) return undefined;
  return text
    .split(/\n\s*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.trim())
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '');
}

/**
 * The paragraphs of `text` as written, Markdown syntax included (lines keep their breaks): what
 * a message shows while the parser that can read it is loading.
 */
export function sourceParagraphs(text: string): string[] {
  return text
    .split(/\n(?:[ \t]*\n)+/)
    .map((paragraph) => paragraph.replace(/^\n+|\n+$/g, ''))
    .filter((paragraph) => paragraph.trim() !== '');
}
