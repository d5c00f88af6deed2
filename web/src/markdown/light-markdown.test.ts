import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/i18n.js';
import { renderFullMarkdown } from './full-markdown.js';
import { readLightMarkdown } from './light-blocks.js';
import { renderLightMarkdown } from './light-markdown.js';

// The provider reads the saved language (code blocks label their copy button).
beforeAll(() => vi.stubGlobal('localStorage', { getItem: () => 'en' }));
afterAll(() => vi.unstubAllGlobals());

const markup = (node: ReactNode) => renderToStaticMarkup(createElement(I18nProvider, null, node));

/** The light rendering of `text` if the light reader takes it, else undefined. */
function light(text: string): string | undefined {
  const blocks = readLightMarkdown(text);
  return blocks && markup(renderLightMarkdown(blocks));
}

const full = (text: string) => markup(renderFullMarkdown(text, undefined));

/** A seeded PRNG (mulberry32), so a failure names an input that fails again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the light Markdown reader', () => {
  it('renders the common forms of replies exactly as react-markdown does', () => {
    for (const text of [
      'Plain text.',
      'a **b** c\nd `e` f',
      '*a* and **b**.',
      '(**a**) and **1.** and **`code`** or *x*: done',
      '**Note:** run `npm test` first; then *deploy*!',
      'Line one\nline two\n\n\nNext paragraph.',
      '   Indented a little\n  and continued   ',
      'Trailing space \nis not a break.',
      '# Title\n\npara',
      '### Steps *now*\nFirst, this.',
      '- a\n- b **c**\n- `d`',
      '* star\n* items',
      '1. one\n2. two\n3. three',
      '3. three\n4. four',
      '- a\n  - b\n  - c\n- d',
      '1. a\n   - b\n2. c',
      '- a\n  1. b\n  2. c',
      '10. ten\n    - nested',
      'Intro.\n\n- a\n- b\n\nOutro.',
      '1. a\n2. b\n\n- c\n- d\n\n* e\n\n1. f',
      '1. a\n   - x\n\n- b',
      '| option | cost | note |\n| --- | ---: | :-: |\n| chunk | 98 ms | x `y` |\n| a | b |',
      '| a | b |\n| - | - |',
      'a | b\n--|--\n1 | 2',
      '| left |\n|:--|\n| **bold** |',
      '```ts\nconst a = 1;\n\nx\n```',
      '```\nplain\n```',
      '```\n```',
      '```python\n# not a heading\n- not a list\n| not | a table |\n```\nAfter.',
      'Code: `a+b` and `*x*`',
      'Prices: $5 and $10.',
      'Ratio 3/4, 50% done (mostly) - really: yes?',
      'Émoji 🎉 and **ünïcödé**',
      '',
    ]) {
      const rendered = light(text);
      expect(rendered, JSON.stringify(text)).toBeDefined();
      expect(rendered, JSON.stringify(text)).toBe(full(text));
    }
  });

  it('leaves to the full parser what it could read differently', () => {
    for (const text of [
      'a  \nhard break',
      'a\\\nbreak',
      'x\n===',
      'x\n---',
      '---',
      '***',
      '* * *',
      '> quote',
      '    indented code',
      '\tcode',
      'Intro:\n- a',
      '- a\n\n- b',
      '5. a\n\n1. b',
      '- a\n  - x\n\n- b',
      '- a\n\n  more',
      '- a\ncontinued',
      '- a\n* b',
      '- a\n  3. b',
      '- # heading item',
      '- [ ] task',
      '- ---',
      '- - x',
      '- 1. x',
      '# closing ##',
      '#hashtag',
      '| a |\n---',
      'a\n:-',
      '|\n| -',
      'a | b\n- | - |',
      '| a |\n| - |\n     | b',
      '- -- ',
      '| a | b |\n| - |',
      '| a |\n| - |\n| x | y |',
      '| a |\n| - |\nno pipe',
      '```js\nunclosed',
      '```\n````\n```',
      '```\n~~~\n```',
      '  ```\nindented fence\n```',
      '**a*',
      '*a **b** c*',
      '***a***',
      'a*b*c',
      '**a**b',
      '** a**',
      '`` a ``',
      '` a`',
      'x `unclosed',
      '_a_',
      'snake_case',
      '~~struck~~',
      '[link](https://example.com)',
      'see https://example.com',
      'www.example.com',
      'me@example.com',
      '<b>html</b>',
      'AT&amp;T',
      '\\*',
      'a\r\nb',
    ]) {
      expect(readLightMarkdown(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('keeps display math as written while KaTeX loads, as react-markdown shows it then', () => {
    const text = [
      'The sum is **well known**:',
      '',
      '$$',
      '\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}',
      '$$',
      '',
      '```css',
      '.layout { display: grid; }',
      '```',
    ].join('\n');
    expect(readLightMarkdown(text)).toBeUndefined();
    const blocks = readLightMarkdown(text, { mathAsSource: true });
    expect(blocks).toBeDefined();
    expect(markup(renderLightMarkdown(blocks!))).toBe(full(text));
    // Only whole `$$` paragraphs: anything else waits for the full parser.
    for (const other of [
      '$$\nx\n\n$$',
      '$$\nx\n$$\nmore',
      'text\n$$\n\\alpha\n$$',
      '$x_1$ and \\(y\\)',
    ]) {
      expect(readLightMarkdown(other, { mathAsSource: true }), other).toBeUndefined();
    }
  });

  it('matches react-markdown on generated replies, and reads most of them', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const words = ['model', 'cache', 'token', 'queue', 'ünïcödé', 'v2', '42', 'é', 'x'];
    const phrase = () =>
      Array.from({ length: 1 + Math.floor(next() * 6) }, () => {
        const word = pick(words);
        return pick([word, word, word, `**${word}**`, `*${word}*`, `\`${word}\``]);
      }).join(' ') + pick(['', '.', ',', ':', '!', ' ?']);
    const block = () =>
      pick([
        () => phrase() + (next() < 0.3 ? `\n${phrase()}` : ''),
        () => `${'#'.repeat(1 + Math.floor(next() * 3))} ${phrase()}`,
        () => `\`\`\`${pick(['', 'ts', 'c++'])}\n${phrase()}\n\n${phrase()}\n\`\`\``,
        () => [1, 2, 3].map(() => `- ${phrase()}`).join('\n'),
        () => [1, 2].map((n) => `${n}. ${phrase()}\n   - ${phrase()}`).join('\n'),
        () =>
          `| ${phrase()} | b |\n| --- | ${pick(['---', ':-:', '--:'])} |\n` +
          `| ${phrase()} | ${phrase()} |\n| ${phrase()} |`,
      ])();
    let read = 0;
    const total = 200;
    for (let index = 0; index < total; index += 1) {
      const text = Array.from({ length: 1 + Math.floor(next() * 4) }, block).join('\n\n');
      const rendered = light(text);
      if (rendered === undefined) continue;
      read += 1;
      expect(rendered, JSON.stringify(text)).toBe(full(text));
    }
    expect(read).toBeGreaterThan(total / 2);
  });

  it('never reads random syntax differently from react-markdown', () => {
    const next = random(11);
    const alphabet = [' ', ' ', 'a', 'b c', 'é', '1', '.', '*', '**', '`', '#', '-', '|', ':', '('];
    const glue = [
      ...['\n', '\n\n', '\n  ', '\n   ', '\n    ', '\n- ', '\n* ', '\n  - ', '\n   - '],
      ...['\n1. ', '\n2. ', '\n  1. ', '\n| ', '\n|---|--:|\n', '\n--|:-:\n', '\n```\n'],
    ];
    for (let index = 0; index < 4000; index += 1) {
      let text = '';
      const length = 1 + Math.floor(next() * 24);
      for (let at = 0; at < length; at += 1) {
        text +=
          next() < 0.15
            ? glue[Math.floor(next() * glue.length)]!
            : alphabet[Math.floor(next() * alphabet.length)]!;
      }
      const rendered = light(text);
      if (rendered !== undefined) expect(rendered, JSON.stringify(text)).toBe(full(text));
    }
  });
});
