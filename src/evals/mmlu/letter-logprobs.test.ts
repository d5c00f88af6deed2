import { describe, expect, it } from 'vitest';
import { argmaxLetter, chooseLetter, parseLetter } from './letter-logprobs.js';

describe('reading the letter', () => {
  it('takes each letter from the top logprobs, with or without its leading space', () => {
    const choice = chooseLetter([
      { token: ' B', logprob: -0.5 },
      { token: ' B', logprob: -0.5 },
      { token: ' A', logprob: -1.5 },
      { token: 'A', logprob: -1.5 },
      { token: ' The', logprob: -2 },
      { token: ' D', logprob: -3 },
    ]);
    expect(choice.chosen).toBe('B');
    expect(choice.logprobs[0]).toBeCloseTo(Math.log(2 * Math.exp(-1.5)), 12);
    expect(choice.logprobs.slice(1)).toEqual([-0.5, null, -3]);
  });

  it('chooses nothing when no letter is listed, and the first on a tie', () => {
    expect(chooseLetter([{ token: ' the', logprob: -0.1 }]).chosen).toBeNull();
    expect(argmaxLetter([-1, -1, null, -2])).toBe('A');
    expect(argmaxLetter([null, -3, -1, -1])).toBe('C');
  });

  it('parses a generated answer', () => {
    expect(parseLetter('B')).toBe('B');
    expect(parseLetter(' (C) because')).toBe('C');
    expect(parseLetter('D. Paris')).toBe('D');
    expect(parseLetter('The answer is A.')).toBe('A');
    expect(parseLetter('I think it must be B here')).toBe('B');
    expect(parseLetter('none of these')).toBeNull();
  });
});
