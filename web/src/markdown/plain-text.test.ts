import { createElement, Fragment } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { describe, expect, it } from 'vitest';
import { plainParagraphs, sourceParagraphs } from './plain-text.js';

const viaMarkdown = (text: string) =>
  renderToStaticMarkup(createElement(Markdown, { remarkPlugins: [remarkGfm] }, text));

const viaShortcut = (paragraphs: string[]) =>
  renderToStaticMarkup(
    createElement(
      Fragment,
      null,
      ...paragraphs.map((paragraph, index) => createElement('p', { key: index }, paragraph)),
    ),
  );

describe('plainParagraphs', () => {
  it('renders plain text exactly as react-markdown does', () => {
    for (const text of [
      'Bonjour, comment ça va ?',
      'First line\nsecond line, same paragraph.',
      'One paragraph.\n\nAnother one.\n\n\n  And a third, indented.  ',
      '  Leading and trailing spaces \n   on every line ',
      'Numbers like 3.5 and 2024, quotes "like this" and l’apostrophe.',
      'Prices (in euros) are 12, 15 or 20; ask again?',
      'Note: the time is 10:30.',
      '',
    ]) {
      const paragraphs = plainParagraphs(text);
      expect(paragraphs, text).toBeDefined();
      // react-markdown puts a newline between blocks: the DOM is the same either way.
      expect(viaShortcut(paragraphs!), text).toBe(viaMarkdown(text).replace(/\n(?=<p>)/g, ''));
    }
  });

  it('leaves anything Markdown could read as syntax to the parser', () => {
    for (const text of [
      '**bold**',
      '_emphasis_',
      'a `code` span',
      '[link](https://example.com)',
      'see https://example.com',
      'see www.example.com',
      'mailto:me@example.com',
      'xmpp:me',
      'write to me@example.com',
      '<b>html</b>',
      'AT&amp;T',
      '# Heading',
      'Title\n===',
      'Title\n---',
      '- item',
      '+ item',
      '* item',
      '1. first',
      '2) second',
      '> quoted',
      '    indented code',
      '\tindented code',
      'a | table',
      '~~struck~~',
      'math $x$',
      'an escaped \\* star',
      'hard  \nbreak',
      '![image](x.png)',
    ]) {
      expect(plainParagraphs(text), text).toBeUndefined();
    }
  });

  it('keeps the text as written, syntax and line breaks, while the parser loads', () => {
    expect(sourceParagraphs('See [docs](https://x.test)\n\n- a\n- b\n \n\n> quote\n')).toEqual([
      'See [docs](https://x.test)',
      '- a\n- b',
      '> quote',
    ]);
    expect(sourceParagraphs('\n\n')).toEqual([]);
  });
});
