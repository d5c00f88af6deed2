// Any OpenAI-style HTTP API (OpenAI, Mistral, vLLM, Ollama, llama-server, …). Fields the
// client sent that Salon does not interpret are forwarded as they are.
import { request as httpRequest } from 'undici';
import type { AzureOpenAIProviderConfig, OpenAIProviderConfig } from '../../config/schema.js';
import { SalonError, upstreamError } from '../../lib/errors.js';
import { parseSse } from '../../lib/sse.js';
import type {
  ChatRequest,
  CompletionRequest,
  FinishReason,
  GenerationRequest,
  Provider,
  StreamPart,
  TokenLogprob,
} from './types.js';

interface WireChoice {
  delta?: { content?: string | null };
  text?: string;
  finish_reason?: string | null;
  logprobs?: { content?: WireLogprob[] | null } | null;
}
interface WireLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  top_logprobs?: Array<{ token: string; logprob: number; bytes?: number[] | null }>;
}
interface WireChunk {
  choices?: WireChoice[];
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  error?: { message?: string };
}

/** A provider speaking OpenAI's HTTP API. */
export class OpenAIProvider implements Provider {
  readonly type: string = 'openai';

  constructor(
    readonly name: string,
    protected readonly config: OpenAIProviderConfig | AzureOpenAIProviderConfig,
  ) {}

  /** Where a request for `model` on `path` (`/chat/completions`, …) goes. */
  protected url(path: string, _model: string | undefined): string {
    return this.config.base_url.replace(/\/+$/, '') + path;
  }

  /** The headers that carry the API key. */
  protected authHeaders(): Record<string, string> {
    return this.config.api_key ? { authorization: `Bearer ${this.config.api_key}` } : {};
  }

  chat(request: ChatRequest): AsyncIterable<StreamPart> {
    return this.stream('/chat/completions', request, { messages: request.messages });
  }

  complete(request: CompletionRequest): AsyncIterable<StreamPart> {
    return this.stream('/completions', request, { prompt: request.prompt });
  }

  async close(): Promise<void> {}

  private async *stream(
    path: string,
    request: GenerationRequest,
    input: Record<string, unknown>,
  ): AsyncIterable<StreamPart> {
    const body = {
      ...request.extra,
      ...input,
      model: request.model,
      stream: true,
      stream_options: { include_usage: true },
      ...wireOptions(request, path === '/completions'),
    };
    const url = this.url(path, request.model);
    const timeout = (this.config.timeout ?? 60) * 1000;
    let response: Awaited<ReturnType<typeof httpRequest>>;
    try {
      response = await httpRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          ...this.authHeaders(),
          ...this.config.headers,
        },
        body: JSON.stringify(body),
        signal: request.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw upstreamError(
        `provider '${this.name}' is unreachable: ${describe(error)}`,
        true,
        error,
      );
    }
    if (response.statusCode >= 400) throw await this.httpError(response);
    let finishReason: FinishReason = 'stop';
    let usage: WireChunk['usage'];
    for await (const event of parseSse(response.body)) {
      if (event.data === '[DONE]') break;
      const chunk = JSON.parse(event.data) as WireChunk;
      if (chunk.error)
        throw upstreamError(`provider '${this.name}': ${chunk.error.message}`, false);
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content ?? choice?.text;
      if (text)
        yield { type: 'text-delta', text, logprobs: mapLogprobs(choice?.logprobs?.content) };
      if (choice?.finish_reason || chunk.usage) {
        finishReason = (choice?.finish_reason as FinishReason | undefined) ?? finishReason;
        if (chunk.usage) usage = chunk.usage;
      }
    }
    yield {
      type: 'finish',
      finishReason,
      usage: usage
        ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
        : undefined,
    };
  }

  private async httpError(response: Awaited<ReturnType<typeof httpRequest>>): Promise<SalonError> {
    const text = await response.body.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      message = (JSON.parse(text) as WireChunk).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    const status = response.statusCode;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    if (!retryable && status < 500) {
      return new SalonError('upstream_rejected', `provider '${this.name}': ${message}`, {
        status,
        type: 'invalid_request_error',
      });
    }
    return upstreamError(`provider '${this.name}' answered ${status}: ${message}`, retryable);
  }
}

function wireOptions(request: GenerationRequest, legacy: boolean): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (request.maxTokens !== undefined) options.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.seed !== undefined) options.seed = request.seed;
  if (request.stop !== undefined) options.stop = request.stop;
  if (request.responseFormat !== undefined) options.response_format = request.responseFormat;
  if (request.logprobs) {
    if (legacy) options.logprobs = request.topLogprobs ?? 0;
    else {
      options.logprobs = true;
      if (request.topLogprobs !== undefined) options.top_logprobs = request.topLogprobs;
    }
  }
  return options;
}

function mapLogprobs(content: WireLogprob[] | null | undefined): TokenLogprob[] | undefined {
  return content?.map((item) => ({
    token: item.token,
    logprob: item.logprob,
    bytes: item.bytes ?? [...Buffer.from(item.token)],
    topLogprobs: (item.top_logprobs ?? []).map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: top.bytes ?? [...Buffer.from(top.token)],
    })),
  }));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
