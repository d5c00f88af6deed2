// OpenAI's wire format, produced here and nowhere else. Stream chunks are assembled from
// precomputed halves around the JSON-escaped delta, because serialising a whole object per
// token is a measurable share of the per-token cost on small models.
import type { FinishReason, TokenLogprob, Usage } from '../providers/types.js';
import type { SalonError } from '../../lib/errors.js';

/** The OpenAI `usage` object. */
export function wireUsage(usage: Usage | undefined) {
  const prompt = usage?.promptTokens ?? 0;
  const completion = usage?.completionTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** OpenAI's chat `logprobs.content` entries. */
export function wireLogprobs(logprobs: TokenLogprob[]) {
  return logprobs.map((item) => ({
    token: item.token,
    logprob: item.logprob,
    bytes: item.bytes,
    top_logprobs: item.topLogprobs.map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: top.bytes,
    })),
  }));
}

/** OpenAI's error body. */
export function wireError(error: Pick<SalonError, 'message' | 'type' | 'param' | 'code'>) {
  return {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  };
}

/** Writes the chunks of one streamed chat completion. */
export class ChatChunkWriter {
  private readonly head: string;
  private readonly usageTail: string;

  constructor(id: string, created: number, model: string, includeUsage: boolean) {
    this.head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[`;
    this.usageTail = includeUsage ? ',"usage":null}' : '}';
  }

  /** The first chunk: the assistant role with empty content. */
  role(): string {
    return `data: ${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]${this.usageTail}\n\n`;
  }

  /** A chunk carrying text (and its logprobs when asked for). */
  delta(text: string, logprobs?: TokenLogprob[]): string {
    const wire = logprobs ? JSON.stringify({ content: wireLogprobs(logprobs) }) : 'null';
    return `data: ${this.head}{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":${wire},"finish_reason":null}]${this.usageTail}\n\n`;
  }

  /** The chunk with the finish reason. */
  finish(reason: FinishReason): string {
    return `data: ${this.head}{"index":0,"delta":{},"logprobs":null,"finish_reason":${JSON.stringify(wireFinishReason(reason))}}]${this.usageTail}\n\n`;
  }

  /** The usage chunk sent last when `stream_options.include_usage` is set. */
  usage(usage: Usage | undefined): string {
    return `data: ${this.head}],"usage":${JSON.stringify(wireUsage(usage))}}\n\n`;
  }
}

/** Writes the chunks of one streamed legacy text completion. */
export class TextChunkWriter {
  private readonly head: string;

  constructor(id: string, created: number, model: string) {
    this.head = `{"id":"${id}","object":"text_completion","created":${created},"model":${JSON.stringify(model)},"choices":[`;
  }

  /** A chunk carrying text. */
  delta(text: string, logprobs?: TokenLogprob[]): string {
    const wire = logprobs ? JSON.stringify(legacyLogprobs(logprobs)) : 'null';
    return `data: ${this.head}{"index":0,"text":${JSON.stringify(text)},"logprobs":${wire},"finish_reason":null}]}\n\n`;
  }

  /** The chunk with the finish reason. */
  finish(reason: FinishReason): string {
    return `data: ${this.head}{"index":0,"text":"","logprobs":null,"finish_reason":${JSON.stringify(wireFinishReason(reason))}}]}\n\n`;
  }

  /** The usage chunk. */
  usage(usage: Usage | undefined): string {
    return `data: ${this.head}],"usage":${JSON.stringify(wireUsage(usage))}}\n\n`;
  }
}

/** The legacy completions `logprobs` object (tokens, token_logprobs, top_logprobs, text_offset). */
export function legacyLogprobs(logprobs: TokenLogprob[], startOffset = 0) {
  let offset = startOffset;
  const textOffset: number[] = [];
  for (const item of logprobs) {
    textOffset.push(offset);
    offset += item.token.length;
  }
  return {
    tokens: logprobs.map((item) => item.token),
    token_logprobs: logprobs.map((item) => item.logprob),
    top_logprobs: logprobs.map((item) =>
      Object.fromEntries(item.topLogprobs.map((top) => [top.token, top.logprob])),
    ),
    text_offset: textOffset,
  };
}

/** An aborted generation reports `stop`: OpenAI has no other word for it. */
export function wireFinishReason(reason: FinishReason): string {
  return reason === 'abort' ? 'stop' : reason;
}

/** The `data: [DONE]` terminator. */
export const doneFrame = 'data: [DONE]\n\n';
