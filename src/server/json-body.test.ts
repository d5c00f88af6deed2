import { describe, expect, it } from 'vitest';
import { jsonDepth } from './json-body.js';

const depth = (text: string, limit?: number) => jsonDepth(Buffer.from(text), limit);

describe('jsonDepth', () => {
  it('counts nested arrays and objects', () => {
    expect(depth('1')).toBe(0);
    expect(depth('{}')).toBe(1);
    expect(depth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(depth('['.repeat(500) + ']'.repeat(500))).toBe(500);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(depth('{"a":"[[[{{{"}')).toBe(1);
    expect(depth('{"a":"\\"[[[\\\\","b":[1]}')).toBe(2);
  });

  it('stops early past the limit', () => {
    expect(depth('['.repeat(10_000), 128)).toBe(129);
  });
});
