// Log-probabilities of generated tokens, from what the sampler reports for each step.
import type { Token } from 'node-llama-cpp';
import type { TokenPieces } from './token-pieces.js';
import type { TokenLogprob, TopLogprob } from './types.js';

/** OpenAI's floor for tokens of zero probability, so that JSON never carries -Infinity. */
const minLogprob = -9999;
/** OpenAI's largest `top_logprobs`. */
const maxTopLogprobs = 20;

/** One sampling step as node-llama-cpp reports it with `confidence` (and `probabilities`). */
export interface SampledStep {
  token: Token;
  confidence?: number;
  probabilities?: Map<Token, number>;
}

/** Builds `TokenLogprob`s for a generation that asked for them. */
export class LogprobReader {
  /** The metadata to ask `evaluateWithMetadata` for. */
  readonly metadata: { readonly confidence: true; readonly probabilities: boolean };
  private readonly top: number;

  constructor(
    private readonly pieces: TokenPieces,
    topLogprobs = 0,
  ) {
    this.top = Math.max(0, Math.min(maxTopLogprobs, Math.floor(topLogprobs)));
    // The full distribution costs a vocabulary-sized copy per token: only ask when needed.
    this.metadata = { confidence: true, probabilities: this.top > 0 };
  }

  /** The logprob of the sampled token and its top alternatives (sorted, most likely first). */
  read(step: SampledStep): TokenLogprob {
    const topLogprobs: TopLogprob[] = [];
    if (step.probabilities) {
      // node-llama-cpp's map iterates from the most to the least probable token.
      for (const [token, probability] of step.probabilities) {
        if (topLogprobs.length >= this.top) break;
        topLogprobs.push({ ...this.pieces.get(token), logprob: toLogprob(probability) });
      }
    }
    const probability = step.confidence ?? step.probabilities?.get(step.token) ?? 0;
    return { ...this.pieces.get(step.token), logprob: toLogprob(probability), topLogprobs };
  }
}

function toLogprob(probability: number): number {
  return probability > 0 ? Math.max(minLogprob, Math.log(probability)) : minLogprob;
}
