import { describe, expect, it } from 'vitest';
import { formatDuration } from './rate-limit-headers.js';

describe('rate-limit reset durations', () => {
  it('reads like OpenAI’s (Go duration notation)', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [12, '12ms'],
      [999.6, '1s'],
      [1_500, '1.5s'],
      [59_999, '59.999s'],
      [60_000, '1m0s'],
      [90_500, '1m30.5s'],
      [3_723_500, '1h2m3.5s'],
      [86_400_000, '24h0m0s'],
    ];
    expect(cases.map(([ms]) => formatDuration(ms))).toEqual(cases.map(([, text]) => text));
  });
});
