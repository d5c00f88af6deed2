// A light Markdown reader for what model replies are mostly made of: paragraphs, ATX headings,
// fenced code, tight lists (one level of nesting) and GFM tables, with the inline forms of
// light-inline.ts. It reads them exactly as micromark + GFM would, in a fraction of the time
// (micromark's first parse of a reply costs tens of milliseconds of cold code on the first
// paint). Whatever it is not sure of (quotes, HTML, links, loose lists, setext headings,
// indented code, escapes…) gives undefined: the full parser renders that text.
// light-markdown.test.ts compares both on a corpus and on generated replies.
import { parseInline, type LightInline } from './light-inline.js';

/** A table column's alignment. */
export type LightAlign = 'left' | 'right' | 'center' | null;

/** One list item: its text, and a nested list. */
export interface LightListItem {
  content: LightInline[];
  list?: LightList;
}

/** A tight list. */
export interface LightList {
  type: 'list';
  ordered: boolean;
  start: number;
  items: LightListItem[];
}

/** A block of a message. */
export type LightBlock =
  | { type: 'paragraph'; content: LightInline[] }
  | { type: 'heading'; depth: number; content: LightInline[] }
  | { type: 'code'; language: string | undefined; code: string }
  /** A `$$` display-math block as written (mathAsSource only): a paragraph of its source. */
  | { type: 'math-source'; text: string }
  | LightList
  | { type: 'table'; align: LightAlign[]; head: LightInline[][]; rows: LightInline[][][] };

// Tabs change indentation, carriage returns line endings, other controls are replaced.
// eslint-disable-next-line no-control-regex -- finding those characters is the point
const unsupportedCharacter = /[\u0000-\u0009\u000b-\u001f\u007f]/;
const blank = /^ *$/;
// Any line start that could open or interrupt a block other than a paragraph, or make the line
// above a table's head (":-"), conservatively: "-5 °C" or "2024. was" at a line start are left
// to the full parser too. A `*` or a backtick followed by text ("**Note:**", "`npm` runs") is
// inline, unless it makes a list item, a thematic break or a fence.
const blockStart = /^ *(?:\*(?: |$)|\*(?: *\*){2,} *$|[-+>#=_|<:]|```|~~~|\d+[.)])/;
const fenceOpen = /^```([\w+#.-]*)$/;
const fenceLike = /^ {0,3}(?:`{3,}|~{3,})/;
const heading = /^(#{1,6}) +(.*?) *$/;
const bulletItem = /^( *)([-*+]) (\S.*)$/;
const orderedItem = /^( *)([1-9]\d{0,8})\. (\S.*)$/;
const delimiterCell = /^:?-+:?$/;
const thematicBreak = /^ *([-*_])(?: *\1){2,} *$/;

/**
 * The blocks of `source`, or undefined when it holds anything this reader leaves alone. With
 * `mathAsSource`, for text whose math waits for KaTeX (a lazy chunk), a `$$` block is kept as
 * its source: a stand-in, as the full parser without remark-math would show it, until the math
 * plugins have loaded and the full parser renders the message.
 */
export function readLightMarkdown(
  source: string,
  { mathAsSource = false }: { mathAsSource?: boolean } = {},
): LightBlock[] | undefined {
  if (unsupportedCharacter.test(source)) return undefined;
  try {
    return readBlocks(source, mathAsSource);
  } catch (error) {
    if (error === refuse) return undefined;
    throw error;
  }
}

function readBlocks(source: string, mathAsSource: boolean): LightBlock[] {
  const lines = source.split('\n');
  const blocks: LightBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (blank.test(line)) {
      index += 1;
      continue;
    }
    const read =
      (mathAsSource ? readMathSource(lines, index) : undefined) ??
      readFence(lines, index) ??
      readHeading(line, index) ??
      readTable(lines, index) ??
      readList(lines, index) ??
      readParagraph(lines, index);
    if (!read) throw refuse;
    blocks.push(read.block);
    index = read.next;
  }
  return blocks;
}

/** A block and the index of the line after it; undefined: not this kind of block. */
type Read = { block: LightBlock; next: number } | undefined;
// Thrown by a reader that recognises its kind of block but cannot read this one exactly: the
// whole message then goes to micromark.
const refuse = new Error('not light Markdown');

function readFence(lines: readonly string[], start: number): Read {
  const open = fenceOpen.exec(lines[start]!);
  if (!open) return undefined;
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (!fenceLike.test(line)) continue;
    if (line !== '```') break;
    const code = lines.slice(start + 1, index).join('\n');
    return { block: { type: 'code', language: open[1] || undefined, code }, next: index + 1 };
  }
  // Unclosed (runs to the end), or closed by another kind of fence line.
  throw refuse;
}

function readMathSource(lines: readonly string[], start: number): Read {
  if (lines[start] !== '$$') return undefined;
  const end = lines.indexOf('$$', start + 1);
  // The block must be a paragraph of its own, as without remark-math.
  if (end < 0 || lines.slice(start, end).some((line) => blank.test(line))) throw refuse;
  if (end + 1 < lines.length && !blank.test(lines[end + 1]!)) throw refuse;
  return {
    block: { type: 'math-source', text: lines.slice(start, end + 1).join('\n') },
    next: end + 1,
  };
}

function readHeading(line: string, start: number): Read {
  if (!line.startsWith('#')) return undefined;
  const match = heading.exec(line);
  // "#tag", an empty heading, or a closing sequence ("## Title ##").
  if (!match || match[2] === '' || match[2]!.endsWith('#')) throw refuse;
  const content = parseInline(match[2]!);
  if (!content) throw refuse;
  return { block: { type: 'heading', depth: match[1]!.length, content }, next: start + 1 };
}

function tableCells(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|')) row = row.slice(0, -1);
  return row.split('|').map((cell) => cell.trim());
}

function readTable(lines: readonly string[], start: number): Read {
  const headLine = lines[start]!;
  const delimiterLine = lines[start + 1];
  if (!headLine.includes('|') || !delimiterLine?.includes('|') || !delimiterLine.includes('-')) {
    return undefined;
  }
  const delimiters = tableCells(delimiterLine);
  if (!delimiters.every((cell) => delimiterCell.test(cell))) return undefined;
  // "- | - |" is a list item first, and four spaces of indentation make code.
  if (/^ *[-+*] |^ {4}/.test(delimiterLine)) throw refuse;
  // A lone "|" is no head row; "- a |" is a list item, four spaces make code.
  if (headLine.trim() === '|' || blockStart.test(headLine.replace(/^ *\|/, ''))) throw refuse;
  if (/^ {4}/.test(headLine)) throw refuse;
  const headCells = tableCells(headLine);
  if (headCells.length !== delimiters.length) throw refuse;
  const align = delimiters.map((cell): LightAlign => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
  });
  const head = inlineCells(headCells);
  if (!head) throw refuse;
  const rows: LightInline[][][] = [];
  let index = start + 2;
  for (; index < lines.length && !blank.test(lines[index]!); index += 1) {
    const line = lines[index]!;
    // Four spaces of indentation end the table (indented code).
    if (!line.includes('|') || /^ {4}/.test(line) || blockStart.test(line.replace(/^ *\|/, ''))) {
      throw refuse;
    }
    const cells = tableCells(line);
    if (cells.length > align.length) throw refuse;
    const row = inlineCells(cells);
    if (!row) throw refuse;
    // Missing cells are empty cells.
    while (row.length < align.length) row.push([]);
    rows.push(row);
  }
  return { block: { type: 'table', align, head, rows }, next: index };
}

function inlineCells(cells: readonly string[]): LightInline[][] | undefined {
  const parsed: LightInline[][] = [];
  for (const cell of cells) {
    const content = parseInline(cell);
    if (!content) return undefined;
    parsed.push(content);
  }
  return parsed;
}

interface ItemLine {
  indent: number;
  /** `-`, `*` or `+`; `.` for an ordered item. */
  marker: string;
  number: number;
  /** Where the item's text starts: a nested item must be indented this much. */
  contentOffset: number;
  text: string;
}

function itemLine(line: string): ItemLine | undefined {
  const bullet = bulletItem.exec(line);
  if (bullet) {
    const indent = bullet[1]!.length;
    return { indent, marker: bullet[2]!, number: 0, contentOffset: indent + 2, text: bullet[3]! };
  }
  const ordered = orderedItem.exec(line);
  if (!ordered) return undefined;
  const indent = ordered[1]!.length;
  return {
    indent,
    marker: '.',
    number: Number(ordered[2]),
    contentOffset: indent + ordered[2]!.length + 2,
    text: ordered[3]!,
  };
}

function newList(first: ItemLine): LightList {
  return { type: 'list', ordered: first.marker === '.', start: first.number, items: [] };
}

function readList(lines: readonly string[], start: number): Read {
  const first = itemLine(lines[start]!);
  if (!first) return undefined;
  if (first.indent !== 0) throw refuse;
  const list = newList(first);
  let parent: { item: LightListItem; offset: number; nestedMarker?: string } | undefined;
  let index = start;
  for (; index < lines.length && !blank.test(lines[index]!); index += 1) {
    const line = itemLine(lines[index]!);
    // A line that is no item continues the previous one's text (lazily): not read here; nor is
    // a thematic break that looks like an item ("- - -").
    if (!line || thematicBreak.test(lines[index]!)) throw refuse;
    const item: LightListItem = { content: itemContent(line.text) };
    if (line.indent === 0) {
      // Another bullet character starts another list.
      if (line.marker !== first.marker) throw refuse;
      list.items.push(item);
      parent = { item, offset: line.contentOffset };
      continue;
    }
    if (!parent || line.indent !== parent.offset) throw refuse;
    if (!parent.item.list) {
      // Inside an item's text only a list starting at 1 interrupts it ("3." would be text).
      if (line.marker === '.' && line.number !== 1) throw refuse;
      parent.item.list = newList(line);
      parent.nestedMarker = line.marker;
    } else if (line.marker !== parent.nestedMarker) {
      throw refuse;
    }
    parent.item.list.items.push(item);
  }
  // After a blank line, an item of the same kind or indented text would make the list loose
  // (an item of another kind starts another list).
  let after = index;
  while (after < lines.length && blank.test(lines[after]!)) after += 1;
  if (after > index && after < lines.length) {
    const next = lines[after]!;
    if (next.startsWith(' ') || itemLine(next)?.marker === first.marker) throw refuse;
  }
  return { block: list, next: index };
}

// An item's text that starts another block: "- # title", "- > quote", "- - x", "- ---", "- 1. x".
const itemBlockStart = /^(?:[-+*](?: |$)|[-*_](?: *[-*_]){2,} *$|[>#<]|```|~~~|\d+[.)])/;

function itemContent(text: string): LightInline[] {
  if (itemBlockStart.test(text)) throw refuse;
  const content = parseInline(text.trimEnd());
  if (!content) throw refuse;
  return content;
}

function readParagraph(lines: readonly string[], start: number): Read {
  const first = lines[start]!;
  // Four spaces make indented code; other block starts were not read above.
  if (/^ {4}/.test(first) || blockStart.test(first)) throw refuse;
  let index = start;
  const text: string[] = [];
  for (; index < lines.length && !blank.test(lines[index]!); index += 1) {
    const line = lines[index]!;
    // Another block interrupting the paragraph, a setext underline, or a table.
    if (index > start && blockStart.test(line)) throw refuse;
    if (line.includes('|')) throw refuse;
    text.push(line.trim());
  }
  // Two trailing spaces make a hard line break.
  if (lines.slice(start, index - 1).some((line) => / {2}$/.test(line))) throw refuse;
  const content = parseInline(text.join('\n'));
  if (!content) throw refuse;
  return { block: { type: 'paragraph', content }, next: index };
}
