// Log-likelihood of continuations after a prompt (for multiple-choice evaluation): the prompt is
// evaluated once, each continuation's tokens are read from the model's next-token distributions.
// The sequence keeps its cached tokens, so the next prompt sharing a prefix (the k shots of an
// MMLU subject) evaluates only what differs.
import type {
  ControlledEvaluateInputItem,
  LlamaContextSequence,
  LlamaModel,
  Token,
  TokenBias,
} from 'node-llama-cpp';
import { withBos } from './prompt-tokens.js';
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
 * `promptTokens` are the prompt's own, where the caller has them already (see prompt-tokens.ts).
 */
export function tokenizeContinuations(
  model: LlamaModel,
  prompt: string,
  continuations: readonly string[],
  promptTokens: Token[] = withBos(model, model.tokenize(prompt)),
): TokenizedContinuation[] {
  const wholes =
    wholesFromLastLine(model, prompt, promptTokens, continuations) ??
    continuations.map((continuation) => withBos(model, model.tokenize(prompt + continuation)));
  return wholes.map((whole) => {
    let shared = 0;
    while (shared < promptTokens.length && whole[shared] === promptTokens[shared]) shared++;
    // At least one context token (the distribution of the first one is unknown) and one scored.
    shared = Math.max(1, Math.min(shared, whole.length - 1));
    return { context: whole.slice(0, shared), tokens: whole.slice(shared) };
  });
}

/**
 * `prompt + continuation` tokenized by re-reading only the prompt's last line: tokenizing a
 * 2,500-token prompt takes ~10 ms, as long as evaluating a question once its shots are cached.
 * Valid where the prompt's tokens end with those of its last line read on its own (no merge
 * across the line break); undefined otherwise, and the caller tokenizes every text whole.
 */
function wholesFromLastLine(
  model: LlamaModel,
  prompt: string,
  promptTokens: Token[],
  continuations: readonly string[],
): Token[][] | undefined {
  const lineStart = prompt.lastIndexOf('\n') + 1;
  if (lineStart === 0) return undefined;
  const lastLine = prompt.slice(lineStart);
  // Without the space a tokenizer may put before a text's first word: this line is mid-text.
  const lineTokens = model.tokenize(lastLine, false, 'trimLeadingSpace');
  const head = promptTokens.length - lineTokens.length;
  if (lineTokens.length === 0 || head < 1) return undefined;
  if (!lineTokens.every((token, index) => promptTokens[head + index] === token)) return undefined;
  const before = promptTokens.slice(0, head);
  return continuations.map((continuation) => [
    ...before,
    ...model.tokenize(lastLine + continuation, false, 'trimLeadingSpace'),
  ]);
}

/** The distribution after one context, kept while the continuations that share it are scored. */
interface LastDistribution {
  context: Token[];
  probabilities: Map<Token, number>;
}

/** Builds a TokenBias adding `logit` to each of `tokens` (node-llama-cpp loads lazily). */
export type BiasFor = (tokens: readonly Token[], logit: number) => TokenBias;

/** How `scoreOnSequence` reads the scores. */
export interface ReadingOptions {
  /** Read every continuation from the whole next-token distribution (slow; for checks). */
  fullDistribution?: boolean;
  /** Scores relative to each other only: see `ScoreOptions.amongContinuations`. */
  amongContinuations?: boolean;
}

/**
 * Scores each continuation on a sequence the caller holds. Continuations sharing a context
 * (all four MMLU letters) cost one evaluation of the prompt's uncached part. Single-token ones
 * are read through a short readout (`relativeReadout` or `shortReadout`) unless
 * `fullDistribution`; the others (and any a short readout cannot place) from the whole
 * next-token distribution.
 */
export async function scoreOnSequence(
  sequence: LlamaContextSequence,
  items: readonly TokenizedContinuation[],
  biasFor: BiasFor,
  options: ReadingOptions = {},
): Promise<ContinuationScore[]> {
  const context = items[0]?.context;
  if (
    !options.fullDistribution &&
    context &&
    items.every((item) => item.tokens.length === 1 && sameTokens(item.context, context))
  ) {
    const tokens = items.map((item) => item.tokens[0]!);
    const short = options.amongContinuations
      ? await relativeReadout(sequence, context, tokens, biasFor)
      : await shortReadout(sequence, context, tokens, biasFor);
    if (short) return short;
  }
  const scores = await scoreFromDistributions(sequence, items);
  return options.amongContinuations ? amongThemselves(scores) : scores;
}

/** Each continuation read from the whole next-token distributions of its positions. */
async function scoreFromDistributions(
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

/** Letters are pushed this far up so that they make the short list (see `shortReadout`). */
const readoutBias = 30;
/** Room for the biased continuations and the model's own most likely token. */
const readoutTopK = 8;
/** Softmax over the `readoutTopK` most likely tokens (after the bias), nothing else. */
const readoutSampling = { temperature: 1, topK: readoutTopK, topP: 1, minP: 0 };

/**
 * Log-probabilities of single tokens relative to each other after `context`, in one
 * evaluation: the candidates' logits raised by `readoutBias`, softmax over the top
 * `readoutTopK`: p'(x) = exp(l_x + b) / Z' for each candidate x, so that
 * log(p'(x) / Σ p'(c)) = l_x − log Σ exp(l_c) exactly, whatever the vocabulary's Z.
 * A candidate is greedy when its logit is the highest listed: the list holds the most likely
 * tokens that are not candidates, so it holds the model's own first choice.
 * Undefined when a candidate is not listed.
 */
async function relativeReadout(
  sequence: LlamaContextSequence,
  context: Token[],
  candidates: readonly Token[],
  biasFor: BiasFor,
): Promise<ContinuationScore[] | undefined> {
  const listed = await biasedList(sequence, context, candidates, biasFor);
  if (!listed) return undefined;
  const weights = candidates.map((token) => listed.get(token) ?? 0);
  if (weights.some((weight) => !(weight > 0))) return undefined;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let highest = -Infinity;
  for (const [token, probability] of listed) {
    const logit = Math.log(probability) - (candidates.includes(token) ? readoutBias : 0);
    highest = Math.max(highest, logit);
  }
  return weights.map((weight) => ({
    logprob: Math.max(minLogprob, Math.log(weight / total)),
    tokens: 1,
    greedy: Math.log(weight) - readoutBias >= highest,
  }));
}

/** The top `readoutTopK` tokens after `context` with the candidates' logits raised. */
async function biasedList(
  sequence: LlamaContextSequence,
  context: Token[],
  candidates: readonly Token[],
  biasFor: BiasFor,
): Promise<Map<Token, number> | undefined> {
  const tokenBias = biasFor(candidates, readoutBias);
  const next = await evaluateLast(sequence, context, {
    probabilities: true,
    options: { ...readoutSampling, tokenBias },
  });
  return next?.probabilities;
}

/** Scores made relative to each other: log-softmax over the continuations' log-probabilities. */
function amongThemselves(scores: ContinuationScore[]): ContinuationScore[] {
  const top = Math.max(...scores.map((score) => score.logprob));
  const logTotal = top + Math.log(scores.reduce((sum, s) => sum + Math.exp(s.logprob - top), 0));
  return scores.map((score) => ({
    ...score,
    logprob: Math.max(minLogprob, score.logprob - logTotal),
  }));
}

/**
 * Exact log-probabilities of single tokens after `context` without copying the whole
 * vocabulary's distribution out of llama.cpp (~20–50 ms a time on a 32k vocabulary; it would
 * dwarf the evaluation of a question once the shots are cached). Two readings of the last
 * position:
 *   1. greedy, with `confidence`: the most likely token g and its probability P(g) (which
 *      costs node-llama-cpp a sort of the vocabulary, ~2.5 ms on the tiny model);
 *   2. the same logits with the candidates' raised by `readoutBias`, softmax over the top
 *      `readoutTopK`: p'(x) = exp(l_x + b_x) / Z' for every token x listed.
 * Then P(x) = P(g) · p'(x) / p'(g) · exp(b_g − b_x): Z' and the full Z cancel out.
 * Undefined when g or a candidate is not in the short list: the caller reads the whole
 * distribution instead.
 */
async function shortReadout(
  sequence: LlamaContextSequence,
  context: Token[],
  candidates: readonly Token[],
  biasFor: BiasFor,
): Promise<ContinuationScore[] | undefined> {
  const greedy = await evaluateLast(sequence, context, { token: true, confidence: true });
  const listed = await biasedList(sequence, context, candidates, biasFor);
  const greedyToken = greedy?.token;
  if (greedyToken == null || !greedy?.confidence || !listed) return undefined;
  const greedyListed = listed.get(greedyToken);
  if (!greedyListed) return undefined;
  const biasOf = (token: Token) => (candidates.includes(token) ? readoutBias : 0);
  const scores: ContinuationScore[] = [];
  for (const token of candidates) {
    const probability = listed.get(token);
    if (!probability) return undefined;
    const logprob =
      Math.log(greedy.confidence) +
      Math.log(probability) -
      Math.log(greedyListed) +
      biasOf(greedyToken) -
      biasOf(token);
    scores.push({
      logprob: Math.max(minLogprob, logprob),
      tokens: 1,
      greedy: token === greedyToken,
    });
  }
  return scores;
}

type GenerateNext = NonNullable<
  NonNullable<Extract<ControlledEvaluateInputItem, unknown[]>[1]>['generateNext']
>;

/**
 * Evaluates `context` on the sequence, reusing what it holds of it except the last token (a
 * cached token carries no logits), and reads the next token after it as `generateNext` asks.
 */
async function evaluateLast(
  sequence: LlamaContextSequence,
  context: Token[],
  generateNext: GenerateNext,
) {
  const last = context.length - 1;
  const keep = Math.min(sequence.compareContextTokens(context).firstDifferentIndex, last);
  if (keep < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  }
  const input = context
    .slice(keep)
    .map((token, index): ControlledEvaluateInputItem =>
      keep + index === last ? [token, { generateNext }] : token,
    );
  return (await sequence.controlledEvaluate(input)).at(-1)?.next;
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
