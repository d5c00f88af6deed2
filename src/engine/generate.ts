// The generation loop on one sequence: reuse the cached prefix, evaluate the rest of the
// prompt, then sample token by token until a limit, a stop condition or an abort. It runs once
// per token, so it allocates nothing per token that it can avoid and awaits only the engine.
import type {
  LlamaContextSequence,
  LlamaGrammar,
  LlamaGrammarEvaluationState,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import { IncrementalDetokenizer } from './incremental-detokenizer.js';
import { LogprobReader, type SampledStep } from './logprobs.js';
import { StopMatcher } from './stop-matcher.js';
import type { TokenPieces } from './token-pieces.js';
import type {
  FinishReason,
  GenerateOptions,
  GenerationEvent,
  TokenLogprob,
  Usage,
} from './types.js';

// Sampling defaults when the request leaves them out: llama.cpp's own (as llama-server).
const defaultTemperature = 0.8;
const defaultTopP = 0.95;
const defaultTopK = 40;

/** What a generation needs besides its options. */
export interface GenerationPlan {
  model: LlamaModel;
  prompt: Token[];
  /** Most tokens this generation may produce (what the sequence has room for). */
  room: number;
  stopTokens?: ReadonlySet<Token>;
  stopStrings?: readonly string[];
  grammar?: LlamaGrammar;
  /** node-llama-cpp's `LlamaGrammarEvaluationState` constructor (the module loads lazily). */
  grammarState?: (grammar: LlamaGrammar) => LlamaGrammarEvaluationState;
  pieces: TokenPieces;
}

interface PendingLogprob {
  /** Offset in the raw generated text where the token's text starts. */
  start: number;
  value: TokenLogprob;
}

/**
 * Generates on a sequence the caller holds; `release` is called once the sequence is idle
 * again (after the last engine step settles), even when the consumer stops early.
 */
export async function* generateOnSequence(
  sequence: LlamaContextSequence,
  plan: GenerationPlan,
  options: GenerateOptions,
  release: () => void,
): AsyncGenerator<GenerationEvent, void, undefined> {
  const { model, prompt, grammar } = plan;
  const usage: Usage = { promptTokens: prompt.length, completionTokens: 0 };
  const limit = Math.min(plan.room, Math.max(0, options.maxTokens ?? Infinity));
  const signal = options.signal;
  const stopTokens = plan.stopTokens;
  const reader = options.logprobs ? new LogprobReader(plan.pieces, options.topLogprobs) : undefined;
  const pending: PendingLogprob[] = [];
  let rawLength = 0;
  let finishReason: FinishReason = 'length';
  let iterator: AsyncGenerator<SampledStep, void> | undefined;
  let inFlight: Promise<unknown> | undefined;
  let failed = false;

  /** Logprobs of the tokens whose text starts before `end` (all of them when undefined). */
  const takeLogprobs = (end?: number): TokenLogprob[] | undefined => {
    if (!reader) return undefined;
    let count = 0;
    while (count < pending.length && (end === undefined || pending[count]!.start < end)) count++;
    return pending.splice(0, count).map((entry) => entry.value);
  };

  try {
    const stops = new StopMatcher(
      [...(plan.stopStrings ?? []), ...(options.stop ?? []), ...grammarStops(grammar)],
      grammar?.trimWhitespaceSuffix ?? false,
    );
    const detokenizer = new IncrementalDetokenizer(model.detokenize, prompt);
    if (limit > 0 && !signal?.aborted) {
      const input = await alignSequence(sequence, prompt);
      iterator = sequence.evaluateWithMetadata(input, reader?.metadata ?? {}, {
        temperature: options.temperature ?? defaultTemperature,
        topP: options.topP ?? defaultTopP,
        topK: defaultTopK,
        seed: normalizeSeed(options.seed),
        grammarEvaluationState: grammar && plan.grammarState?.(grammar),
        // EOG tokens come back to this loop, so that they are counted like any sampled token.
        yieldEogToken: true,
      });
    }
    while (iterator && usage.completionTokens < limit) {
      // The first step evaluates the whole prompt, which can take seconds: let an abort end the
      // stream at once while that step finishes in the background. Later steps are one token.
      const next = iterator.next();
      const step =
        usage.completionTokens === 0 && signal ? await abortable(next, signal) : await next;
      if (step === undefined) inFlight = next;
      if (step === undefined || signal?.aborted) {
        finishReason = 'abort';
        break;
      }
      if (step.done) {
        finishReason = 'stop';
        break;
      }
      usage.completionTokens++;
      const token = step.value.token;
      if (stopTokens?.has(token) || model.isEogToken(token)) {
        finishReason = 'stop';
        break;
      }
      if (reader) pending.push({ start: rawLength, value: reader.read(step.value) });
      const piece = detokenizer.push(token);
      rawLength += piece.length;
      const text = stops.push(piece);
      if (stops.stopped) {
        finishReason = 'stop';
        break;
      }
      if (text.length > 0) {
        yield reader
          ? { type: 'text-delta', text, logprobs: takeLogprobs(stops.emitted) }
          : { type: 'text-delta', text };
      }
    }
    // The tail: characters still incomplete, text held back as a possible stop string.
    let tail = stops.push(detokenizer.flush());
    if (stops.stopped) finishReason = 'stop';
    else tail += stops.flush();
    const logprobs = takeLogprobs(stops.stopped ? stops.emitted : undefined);
    if (tail.length > 0 || (logprobs && logprobs.length > 0)) {
      yield reader
        ? { type: 'text-delta', text: tail, logprobs }
        : { type: 'text-delta', text: tail };
    }
    yield { type: 'finish', finishReason, usage };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const closing = (inFlight ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => iterator?.return())
      // After an engine error the cached tokens may not match the KV cache: start afresh.
      .then(() => (failed ? sequence.clearHistory() : undefined))
      .catch(() => undefined)
      .finally(release);
    // After an abort during the prompt, the consumer does not wait for the engine to finish.
    if (!inFlight) await closing;
  }
}

/**
 * Keeps the sequence's cached tokens that the prompt starts with and erases the rest; returns
 * the prompt tokens left to evaluate (at least one: the last token's logits are not cached).
 */
export async function alignSequence(
  sequence: LlamaContextSequence,
  prompt: Token[],
): Promise<Token[]> {
  const shared = Math.min(
    sequence.compareContextTokens(prompt).firstDifferentIndex,
    prompt.length - 1,
  );
  if (shared < sequence.nextTokenIndex) {
    await sequence.eraseContextTokenRanges([{ start: shared, end: sequence.nextTokenIndex }]);
  }
  return prompt.slice(shared);
}

/** The stop strings a grammar brings (node-llama-cpp's guard against endless whitespace). */
function grammarStops(grammar: LlamaGrammar | undefined): string[] {
  if (!grammar) return [];
  return grammar.stopGenerationTriggers.map((trigger) => {
    if (typeof trigger === 'string') return trigger;
    const values: readonly unknown[] = isReadonlyArray(trigger) ? trigger : trigger.values;
    return values.filter((value) => typeof value === 'string').join('');
  });
}

function isReadonlyArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/** A seed the sampler accepts (a uint32); a random one when none is given. */
function normalizeSeed(seed: number | undefined): number {
  if (seed === undefined || !Number.isFinite(seed)) return Math.floor(Math.random() * 2 ** 32);
  return Math.abs(Math.trunc(seed)) % 2 ** 32;
}

/** Resolves with the step, or with undefined as soon as the signal aborts. */
function abortable<T>(step: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    step.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
