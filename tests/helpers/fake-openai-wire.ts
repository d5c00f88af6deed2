// The bodies the fake OpenAI-style upstream sends: chat / text completion chunks and answers,
// and embeddings. Kept apart from the server so the failure modes read on their own.
import { createHash } from 'node:crypto';

/** Which OpenAI endpoint a request went to. */
export type FakeEndpoint = 'chat' | 'completion' | 'embeddings';

/** The endpoint a request path names (query strings, e.g. Azure's api-version, ignored). */
export function endpointOf(url: string | undefined): FakeEndpoint {
  const path = new URL(url ?? '/', 'http://fake').pathname;
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/embeddings')) return 'embeddings';
  return 'completion';
}

/** One token of a scripted reply with its log-probability and top alternatives. */
export interface FakeTokenLogprob {
  token: string;
  logprob: number;
  /** Alternatives (the token itself included, where wanted) and their log-probabilities. */
  top?: Record<string, number>;
}

/**
 * The `logprobs` field of a choice carrying these tokens: chat's `{content: [...]}`, or the
 * legacy `{tokens, token_logprobs, top_logprobs}` of `/v1/completions`.
 */
export function logprobsField(endpoint: FakeEndpoint, tokens: FakeTokenLogprob[]): unknown {
  if (endpoint === 'chat') {
    return {
      content: tokens.map(({ token, logprob, top = {} }) => ({
        token,
        logprob,
        bytes: [...Buffer.from(token)],
        top_logprobs: Object.entries(top).map(([alternative, value]) => ({
          token: alternative,
          logprob: value,
          bytes: [...Buffer.from(alternative)],
        })),
      })),
    };
  }
  return {
    tokens: tokens.map(({ token }) => token),
    token_logprobs: tokens.map(({ logprob }) => logprob),
    top_logprobs: tokens.map(({ top }) => top ?? {}),
    text_offset: tokens.map((_, index) =>
      tokens.slice(0, index).reduce((sum, { token }) => sum + token.length, 0),
    ),
  };
}

/** Splits `text` into at most `count` pieces of equal length (the last may be shorter). */
export function split(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** One SSE `data:` frame holding `value` as JSON. */
export function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** The streamed chunk carrying one piece of text (`extra` joins a chat delta). */
export function deltaChunk(
  endpoint: FakeEndpoint,
  piece: string,
  extra: Record<string, unknown> = {},
  logprobs?: FakeTokenLogprob[],
): unknown {
  const choice =
    endpoint === 'chat'
      ? { index: 0, delta: { content: piece, ...extra }, finish_reason: null }
      : { index: 0, text: piece, finish_reason: null };
  const withLogprobs = logprobs
    ? { ...choice, logprobs: logprobsField(endpoint, logprobs) }
    : choice;
  return { ...envelope(endpoint, true), choices: [withLogprobs] };
}

/** Token counts of a reply sent in `pieces` (7 prompt tokens, one per piece). */
export function usageOf(pieces: string[]) {
  return { prompt_tokens: 7, completion_tokens: pieces.length, total_tokens: 7 + pieces.length };
}

/** The end of a stream: the finish chunk, the usage chunk and `[DONE]`. */
export function streamEnd(pieces: string[]): string {
  return (
    frame({
      ...envelope('chat', true),
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    }) +
    frame({ ...envelope('chat', true), choices: [], usage: usageOf(pieces) }) +
    'data: [DONE]\n\n'
  );
}

/** A whole non-streamed answer (`extra` joins a chat message). */
export function completionBody(
  endpoint: FakeEndpoint,
  text: string,
  pieces: string[],
  extra: Record<string, unknown> = {},
  logprobs?: FakeTokenLogprob[],
): unknown {
  const plain =
    endpoint === 'chat'
      ? {
          index: 0,
          message: { role: 'assistant', content: text, ...extra },
          finish_reason: 'stop',
        }
      : { index: 0, text, finish_reason: 'stop' };
  const choice = logprobs ? { ...plain, logprobs: logprobsField(endpoint, logprobs) } : plain;
  return { ...envelope(endpoint, false), choices: [choice], usage: usageOf(pieces) };
}

/** The fields every completion and chunk carries (clients such as Mistral's check them). */
function envelope(endpoint: FakeEndpoint, chunk: boolean) {
  const object =
    endpoint === 'chat' ? (chunk ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion';
  return { id: 'fake', object, created: 1_700_000_000, model: 'fake-model' };
}

/** OpenAI's error body. */
export function errorBody(message: string, type = 'server_error'): unknown {
  return { error: { message, type, param: null, code: null } };
}

/**
 * OpenAI's embeddings answer for a request body: one vector per input, derived from a hash of
 * the input so equal inputs get equal vectors (unit length; `dimensions` long, default 8);
 * `encoding_format: 'base64'` packs them as little-endian float32, as OpenAI does.
 * `prompt_tokens` counts whitespace-separated words (a token array counts its length).
 */
export function embeddingsBody(body: Record<string, unknown>): unknown {
  const inputs = embeddingInputs(body.input);
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : 8;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = vectorOf(typeof input === 'string' ? input : input.join(' '), dimensions);
    const embedding = base64
      ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
      : vector;
    return { object: 'embedding', index, embedding };
  });
  const promptTokens = inputs.reduce<number>(
    (sum, input) =>
      sum +
      (typeof input === 'string'
        ? Math.max(1, input.split(/\s+/).filter(Boolean).length)
        : input.length),
    0,
  );
  return {
    object: 'list',
    data,
    model: typeof body.model === 'string' ? body.model : 'fake-embedding',
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function embeddingInputs(input: unknown): Array<string | number[]> {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [''];
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  return input.map((item) => (Array.isArray(item) ? (item as number[]) : String(item)));
}

function vectorOf(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\0${text}`).digest();
    for (let i = 0; i < digest.length && values.length < dimensions; i++) {
      values.push(digest[i]! / 127.5 - 1);
    }
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}
