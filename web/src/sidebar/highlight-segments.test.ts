import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight-segments.js';

describe('highlightSegments', () => {
  it('splits a snippet at its ranges', () => {
    expect(highlightSegments('the quick fox', [[4, 9]])).toEqual([
      { text: 'the ', marked: false },
      { text: 'quick', marked: true },
      { text: ' fox', marked: false },
    ]);
  });

  it('tolerates unsorted, overlapping, empty and out-of-range ranges', () => {
    expect(
      highlightSegments('abcdef', [
        [4, 99],
        [0, 2],
        [1, 3],
        [3, 3],
        [-5, -1],
      ]),
    ).toEqual([
      { text: 'abc', marked: true },
      { text: 'd', marked: false },
      { text: 'ef', marked: true },
    ]);
  });

  it('keeps markup as text', () => {
    const segments = highlightSegments('<img src=x onerror=alert(1)>', [[1, 4]]);
    expect(segments.map((segment) => segment.text).join('')).toBe('<img src=x onerror=alert(1)>');
  });
});
