// Log-likelihood of continuations after a prompt (for multiple-choice evaluation): the prompt is
// evaluated once, each continuation's tokens are read from the model's next-token distributions.
// The sequence keeps its cached tokens, so the next prompt sharing a prefix (the k shots of an
// MMLU subject) evaluates only what differs.
import type {
  ControlledEvaluateInputItem,
  LlamaContextSequence,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import type { ContinuationScore } from './types.js';

/** One continuation as tokens: the context it is read after, and its own tokens. */
export interface TokenizedContinuation {
  context: Token[];
  tokens: Token[];
}

/** A probability this low or lower reads as OpenAI's floor, so that no score is -Infinity. */
const minLogprob = -9999;

/**
 * Splits `prompt + continuation` into context and continuation tokens the way
 * lm-evaluation-harness does: the continuation is what the whole text encodes to beyond the
 * tokens it shares with the prompt alone. (` A` after `Answer:` is one token, `▁A`, whereas
 * ` A` on its own encodes to two.) Special-token text is not parsed: it is data here.
 */
export function tokenizeContinuations(
  model: LlamaModel,
  prompt: string,
  continuations: readonly string[],
): TokenizedContinuation[] {
  const bos = model.tokens.bos;
  const withBos = (tokens: Token[]) =>
    bos !== null && model.tokens.shouldPrependBosToken ? [bos, ...tokens] : tokens;
  const promptTokens = withBos(model.tokenize(prompt));
  return continuations.map((continuation) => {
    const whole = withBos(model.tokenize(prompt + continuation));
    let shared = 0;
    while (shared < promptTokens.length && whole[shared] === promptTokens[shared]) shared++;
    // At least one context token (the distribution of the first one is unknown) and one scored.
    shared = Math.max(1, Math.min(shared, whole.length - 1));
    return { context: whole.slice(0, shared), tokens: whole.slice(shared) };
  });
}

/** The distribution after one context, kept while the continuations that share it are scored. */
interface LastDistribution {
  context: Token[];
  probabilities: Map<Token, number>;
}

/**
 * Scores each continuation on a sequence the caller holds. Continuations sharing a context
 * (all four MMLU letters) cost one evaluation of the prompt's uncached part, nothing more.
 */
export async function scoreOnSequence(
  sequence: LlamaContextSequence,
  items: readonly TokenizedContinuation[],
): Promise<ContinuationScore[]> {
  const scores: ContinuationScore[] = [];
  let last: LastDistribution | undefined;
  for (const item of items) {
    const whole = [...item.context, ...item.tokens];
    const distributions: Array<Map<Token, number>> = [];
    if (last && sameTokens(last.context, item.context)) distributions.push(last.probabilities);
    // Distributions still needed: after whole[0..position], for position from `first` on.
    const first = item.context.length - 1 + distributions.length;
    const lastNeeded = whole.length - 2;
    if (first <= lastNeeded) {
      const evaluated = await evaluateDistributions(sequence, whole, first, lastNeeded);
      if (distributions.length === 0) {
        last = { context: item.context, probabilities: evaluated[0]! };
      }
      distributions.push(...evaluated);
    }
    scores.push(readScore(item.tokens, distributions));
  }
  return scores;
}

/** Evaluates `whole` up to `to` (reusing the cached prefix) and returns distributions from `from`. */
async function evaluateDistributions(
  sequence: LlamaContextSequence,
  whole: Token[],
  from: number,
  to: number,
): Promise<Array<Map<Token, number>>> {
  // Cached tokens carry no logits: re-evaluate from `from` at the latest.
  const keep = Math.min(sequence.compareContextTokens(whole).firstDifferentIndex, from);
  if (keep < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }
  const input = whole.slice(keep, to + 1).map((token, index): ControlledEvaluateInputItem =>
    // No sampling options: greedy, whose `probabilities` are the model's full softmax.
    keep + index >= from ? [token, { generateNext: { probabilities: true } }] : token,
  );
  const output = await sequence.controlledEvaluate(input);
  const distributions: Array<Map<Token, number>> = [];
  for (let position = from; position <= to; position++) {
    const probabilities = output[position - keep]?.next.probabilities;
    if (!probabilities) throw new Error('the engine returned no probabilities for a position');
    distributions.push(probabilities);
  }
  return distributions;
}

function readScore(
  tokens: readonly Token[],
  distributions: ReadonlyArray<Map<Token, number>>,
): ContinuationScore {
  let logprob = 0;
  let greedy = true;
  tokens.forEach((token, index) => {
    const probabilities = distributions[index]!;
    const probability = probabilities.get(token) ?? 0;
    logprob += probability > 0 ? Math.max(minLogprob, Math.log(probability)) : minLogprob;
    // The map iterates from the most probable token down.
    if (probabilities.keys().next().value !== token) greedy = false;
  });
  return { logprob, tokens: tokens.length, greedy };
}

function sameTokens(a: readonly Token[], b: readonly Token[]): boolean {
  return a.length === b.length && a.every((token, index) => token === b[index]);
}
