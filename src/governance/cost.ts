// What a request cost: tokens × the price of the target that served it. Prices are USD per
// million tokens (salon.yaml's `price: { input, output }`, per target or per model).
import type { PriceConfig } from '../config/schema.js';

/** Prompt and completion tokens of one request. */
export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
}

/** The cost in USD, or null when the target has no price (unknown, not free). */
export function costUsd(price: PriceConfig | undefined, tokens: TokenCounts): number | null {
  if (!price) return null;
  return (tokens.promptTokens * price.input + tokens.completionTokens * price.output) / 1_000_000;
}

/**
 * USD as whole nano-dollars, the unit budget counters count in: counters hold integers, and a
 * nano-dollar resolves one token at a price of $0.001 per million tokens.
 */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * 1e9);
}
