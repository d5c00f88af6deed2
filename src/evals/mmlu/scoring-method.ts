// How an answer was read from a model, best first; every answer records its method.

/**
 * - `engine-logprobs`: log-likelihood of ` A`…` D` after the raw prompt, on the embedded engine
 *   (stored given that one of the four follows: a log-softmax over them, same order);
 * - `completion-logprobs`: the same read from `/v1/completions`' top logprobs of the next token;
 * - `chat-logprobs`: the prompt as the user message, top logprobs of the first assistant token;
 * - `generate`: the prompt as the user message, the letter parsed from the reply.
 */
export type ScoringMethod =
  'engine-logprobs' | 'completion-logprobs' | 'chat-logprobs' | 'generate';

/** Every method, in order of preference. */
export const scoringMethods: readonly ScoringMethod[] = [
  'engine-logprobs',
  'completion-logprobs',
  'chat-logprobs',
  'generate',
];
