// The four ways of reading a model's answer (scoring-method.ts), each through the gateway's
// public surface only: engine-level access for embedded models, completions and chat otherwise.
import type { Gateway, StartedStream, TokenLogprob } from '../../gateway/types.js';
import { isSalonError } from '../../lib/errors.js';
import { argmaxLetter, chooseLetter, parseLetter, type TokenChance } from './letter-logprobs.js';
import type { AnswerLetter } from './load-mmlu.js';
import { answerContinuations, type MmluPrompt } from './prompt.js';
import type { ScoringMethod } from './scoring-method.js';

/** One question's reading. */
export interface ScoredChoice {
  chosen: AnswerLetter | null;
  /** Log-probabilities of A–D (null where unknown); null for `generate`. */
  logprobs: Array<number | null> | null;
  /** The reply, for `generate`. */
  response: string | null;
}

/** Reads answers one way from one model. */
export interface QuestionScorer {
  readonly method: ScoringMethod;
  score(prompt: MmluPrompt, signal?: AbortSignal): Promise<ScoredChoice>;
}

/** The scorer's answer to the first question, and who gave it. */
export interface ScoredWithTarget extends ScoredChoice {
  target: string;
}

/** This method cannot be used with this model (no logprobs, no such endpoint): try the next. */
export class MethodUnavailable extends Error {}

/** Largest `logprobs` OpenAI's `/v1/completions` accepts; vLLM and llama-server take as many. */
const completionTopLogprobs = 5;
/** Largest `top_logprobs` OpenAI's chat accepts. */
const chatTopLogprobs = 20;
/** Enough for "The answer is (B)." and little more. */
const generateMaxTokens = 16;

/**
 * The embedded engine behind `model`'s first target, read directly, or undefined when that
 * target is not an embedded model. The router is bypassed: evaluation wants this model, not
 * whichever target is least busy.
 */
export function engineScorer(
  gateway: Gateway,
  model: string,
  options: { reusePrefix?: boolean } = {},
): (QuestionScorer & { target: string }) | undefined {
  const target = gateway.listModels().find((route) => route.name === model)?.targets[0];
  const provider = target && gateway.provider(target.provider);
  if (!target || !provider?.scoreContinuations) return undefined;
  const score = provider.scoreContinuations.bind(provider);
  return {
    method: 'engine-logprobs',
    target: target.model ? `${target.provider}/${target.model}` : target.provider,
    async score(prompt, signal) {
      const scores = await score({
        prompt: prompt.text,
        prefixLength: prompt.prefixLength,
        continuations: answerContinuations,
        // The letter is chosen by comparing the four: their log-probabilities given that one
        // of them follows order them as the plain ones do, at half the engine's work.
        amongContinuations: true,
        reusePrefix: options.reusePrefix,
        signal,
      });
      const logprobs = scores.map((entry) => entry.logprob);
      return { chosen: argmaxLetter(logprobs), logprobs, response: null };
    },
  };
}

/** Top logprobs of the next token after the raw prompt, from `/v1/completions`. */
export function completionScorer(gateway: Gateway, model: string): RemoteScorer {
  return remoteScorer('completion-logprobs', async (prompt, signal) => {
    const started = await offered(
      gateway.complete(model, {
        prompt,
        maxTokens: 1,
        temperature: 0,
        logprobs: true,
        topLogprobs: completionTopLogprobs,
        signal,
      }),
    );
    return readLogprobs(started);
  });
}

/** Top logprobs of the first assistant token, the prompt sent as the user message. */
export function chatLogprobScorer(gateway: Gateway, model: string): RemoteScorer {
  return remoteScorer('chat-logprobs', async (prompt, signal) => {
    const started = await offered(
      gateway.chat(model, {
        messages: [{ role: 'user', content: prompt }],
        maxTokens: 1,
        temperature: 0,
        logprobs: true,
        topLogprobs: chatTopLogprobs,
        signal,
      }),
    );
    return readLogprobs(started);
  });
}

/** The letter parsed from a short greedy reply, the prompt sent as the user message. */
export function generateScorer(gateway: Gateway, model: string): RemoteScorer {
  return remoteScorer('generate', async (prompt, signal) => {
    const started = await gateway.chat(model, {
      messages: [{ role: 'user', content: prompt }],
      maxTokens: generateMaxTokens,
      temperature: 0,
      signal,
    });
    let response = '';
    for await (const part of started.parts) if (part.type === 'text-delta') response += part.text;
    return { chosen: parseLetter(response), logprobs: null, response, target: started.target };
  });
}

/** A scorer over the gateway's routing; each answer says which target gave it. */
export interface RemoteScorer extends QuestionScorer {
  scoreWithTarget(prompt: string, signal?: AbortSignal): Promise<ScoredWithTarget>;
}

function remoteScorer(
  method: ScoringMethod,
  read: (prompt: string, signal?: AbortSignal) => Promise<ScoredWithTarget>,
): RemoteScorer {
  return {
    method,
    scoreWithTarget: read,
    async score(prompt, signal) {
      const { target: _target, ...choice } = await read(prompt.text, signal);
      return choice;
    },
  };
}

/** The letters' logprobs from the first token of a stream (read to its end). */
async function readLogprobs(started: StartedStream): Promise<ScoredWithTarget> {
  let first: TokenLogprob | undefined;
  for await (const part of started.parts) {
    if (part.type === 'text-delta' && !first) first = part.logprobs?.[0];
  }
  if (!first) throw new MethodUnavailable(`'${started.target}' returned no logprobs`);
  const candidates: TokenChance[] = [first, ...first.topLogprobs];
  return { ...chooseLetter(candidates), response: null, target: started.target };
}

/**
 * Turns "this endpoint is not offered here" (a 4xx other than a rate limit or a prompt too
 * long, or a provider that has no such endpoint) into MethodUnavailable.
 */
async function offered(starting: Promise<StartedStream>): Promise<StartedStream> {
  try {
    return await starting;
  } catch (error) {
    if (
      isSalonError(error) &&
      error.status >= 400 &&
      error.status < 500 &&
      error.status !== 429 &&
      error.code !== 'model_not_found' &&
      !isContextLengthError(error)
    ) {
      throw new MethodUnavailable(error.message);
    }
    throw error;
  }
}

/** True for "the prompt does not fit the model's context", from the engine or an upstream. */
export function isContextLengthError(error: unknown): boolean {
  if (!isSalonError(error)) return false;
  if (error.code === 'context_length_exceeded') return true;
  return (
    error.status === 400 &&
    /context length|context window|maximum context|too many tokens|prompt is too long/i.test(
      error.message,
    )
  );
}
