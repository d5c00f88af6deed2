import { describe, expect, it } from 'vitest';
import { costUsd, toNanoUsd } from './cost.js';

describe('cost', () => {
  it('prices prompt and completion tokens per million', () => {
    const price = { input: 2, output: 6 }; // USD per million tokens
    expect(costUsd(price, { promptTokens: 1_000_000, completionTokens: 0 })).toBe(2);
    expect(costUsd(price, { promptTokens: 1_500, completionTokens: 500 })).toBeCloseTo(0.006, 12);
    expect(costUsd({ input: 0, output: 0 }, { promptTokens: 10, completionTokens: 10 })).toBe(0);
  });

  it('is unknown, not free, without a price', () => {
    expect(costUsd(undefined, { promptTokens: 10, completionTokens: 10 })).toBeNull();
  });

  it('counts budgets in whole nano-dollars', () => {
    // 7 tokens at $0.1 per million: $0.0000007.
    expect(
      toNanoUsd(costUsd({ input: 0.1, output: 0 }, { promptTokens: 7, completionTokens: 0 })!),
    ).toBe(700);
    expect(toNanoUsd(5)).toBe(5_000_000_000);
  });
});
