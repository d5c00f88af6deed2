import { describe, expect, it } from 'vitest';
import { hasMath, normalizeMathDelimiters } from './math-syntax.js';

describe('math syntax', () => {
  it('rewrites LaTeX delimiters outside code', () => {
    expect(normalizeMathDelimiters('so \\( x^2 \\) and \\[\\int f\\]')).toBe(
      'so $x^2$ and $$\\int f$$',
    );
    expect(normalizeMathDelimiters('`\\(a\\)` and\n```\n\\[b\\]\n```')).toBe(
      '`\\(a\\)` and\n```\n\\[b\\]\n```',
    );
  });

  it('detects math only outside code', () => {
    expect(hasMath('Euler: $e^{i\\pi}+1=0$')).toBe(true);
    expect(hasMath('$$\n\\frac{1}{2}\n$$')).toBe(true);
    expect(hasMath('no math here')).toBe(false);
    expect(hasMath('`echo $HOME $PATH`')).toBe(false);
    expect(hasMath('```sh\necho $A $B\n```')).toBe(false);
    expect(hasMath('costs $ 5')).toBe(false);
  });
});
