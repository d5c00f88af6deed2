// Any OpenAI-style HTTP API (OpenAI, Mistral, vLLM, Ollama, llama-server, …). Requests from
// /v1 are forwarded as the client sent them, apart from `model`; streamed responses are read
// event by event (for usage, errors and time to first token) and passed on as received.
import type { Agent } from 'undici';
import type {
  AzureOpenAIProviderConfig,
  OpenAIProviderConfig,
  TimeoutsConfig,
} from '../../config/schema.js';
import type { Cancellation } from '../../lib/cancellation.js';
import { SalonError, upstreamError, upstreamTimeout } from '../../lib/errors.js';
import { SseParser } from '../../lib/sse.js';
import { configuredAccess, type UpstreamConnection } from './upstream-access.js';
import { createUpstreamAgent } from './upstream-agent.js';
import { exchange, type UpstreamAnswer } from './upstream-exchange.js';
import type {
  ChatRequest,
  CompletionRequest,
  Endpoint,
  FinishReason,
  GenerationRequest,
  Provider,
  StreamPart,
  TokenLogprob,
  Usage,
  WireChunk,
  WireObject,
  WireRequest,
  WireResponse,
} from './types.js';

interface WireLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  top_logprobs?: Array<{ token: string; logprob: number; bytes?: number[] | null }>;
}
/** `/v1/completions`' logprobs shape (OpenAI's legacy one; vLLM and llama-server send it too). */
interface LegacyWireLogprobs {
  tokens?: string[];
  token_logprobs?: Array<number | null>;
  top_logprobs?: Array<Record<string, number> | null> | null;
}
interface WireChoice {
  delta?: { content?: string | null };
  text?: string;
  finish_reason?: string | null;
  logprobs?: ({ content?: WireLogprob[] | null } & LegacyWireLogprobs) | null;
}

/** Time limits in seconds when neither the provider nor `router.timeouts` sets them. */
const defaultTimeouts = { connect: 10, first_token: 120, idle: 60 };

type HttpConfig = OpenAIProviderConfig | AzureOpenAIProviderConfig;

/** Where requests for one URL go, split as undici's dispatch takes it. */
interface Destination {
  origin: string;
  path: string;
}

/** A provider speaking OpenAI's HTTP API. */
export class OpenAIProvider implements Provider {
  readonly type: string = 'openai';
  private readonly agent: Agent;
  private readonly timeouts: Required<TimeoutsConfig>;
  /** By URL: parsed once, as `url()` gives the same few for every request. */
  private readonly destinations = new Map<string, Destination>();
  /** The request headers, for JSON and for SSE answers (built once: the config is fixed). */
  private headerSets?: { json: Record<string, string>; stream: Record<string, string> };

  constructor(
    readonly name: string,
    protected readonly config: HttpConfig,
    routerTimeouts: TimeoutsConfig = {},
    connection: UpstreamConnection = {},
  ) {
    this.timeouts = {
      ...defaultTimeouts,
      ...routerTimeouts,
      ...(config.timeout !== undefined && { first_token: config.timeout }),
      ...config.timeouts,
    };
    this.agent = createUpstreamAgent({
      connectTimeoutMs: this.timeouts.connect * 1000,
      access: connection.access ?? configuredAccess(config.allow_link_local),
      resolve: connection.resolve,
    });
  }

  /** Where a request for `model` on `path` (`/chat/completions`, …) goes. */
  protected url(path: string, _model: string | undefined): string {
    return this.config.base_url.replace(/\/+$/, '') + path;
  }

  /** The headers that carry the API key. */
  protected authHeaders(): Record<string, string> {
    return this.config.api_key ? { authorization: `Bearer ${this.config.api_key}` } : {};
  }

  async forward(request: WireRequest): Promise<WireResponse> {
    const { body } = request;
    const stream = body.stream === true && request.endpoint !== 'embeddings';
    const clientWantsUsage = wantsUsage(body);
    // Ask for usage on every stream so that it can be metered; the client sees it only if it asked.
    const sent = stream
      ? { ...body, stream_options: { ...asObject(body.stream_options), include_usage: true } }
      : body;
    try {
      // Until the response headers, undici's headersTimeout is the first-token limit: a
      // non-streamed answer comes with its headers, and a stream's remainder is timed below.
      const response = await this.send(request.endpoint, sent, request.signal);
      if (!stream) {
        const text = await response.text();
        const json = this.parse(text);
        return { kind: 'json', text, usage: usageOf(json) };
      }
      const deadline = new FirstTokenDeadline(this.timeouts.first_token, response);
      return { kind: 'stream', chunks: this.events(response, deadline, clientWantsUsage) };
    } catch (error) {
      throw this.failure(error, undefined, request.signal);
    }
  }

  chat(request: ChatRequest): AsyncIterable<StreamPart> {
    return this.parts('chat/completions', request, { messages: request.messages });
  }

  complete(request: CompletionRequest): AsyncIterable<StreamPart> {
    return this.parts('completions', request, { prompt: request.prompt });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** The typed path (chat, evaluation): a wire request built from typed options, read back as parts. */
  private async *parts(
    endpoint: Endpoint,
    request: GenerationRequest,
    input: Record<string, unknown>,
  ): AsyncIterable<StreamPart> {
    const body = {
      ...request.extra,
      ...input,
      model: request.model,
      stream: true,
      stream_options: { include_usage: true },
      ...wireOptions(request, endpoint === 'completions'),
    };
    const response = await this.forward({ endpoint, body, signal: request.signal });
    if (response.kind !== 'stream')
      throw upstreamError(`provider '${this.name}' did not stream`, true);
    let finishReason: FinishReason = 'stop';
    let usage: Usage | undefined;
    for await (const chunk of response.chunks) {
      const choice = chunk.json?.choices?.[0] as WireChoice | undefined;
      const text = choice?.delta?.content ?? choice?.text;
      if (text) {
        const logprobs = choice?.logprobs;
        yield {
          type: 'text-delta',
          text,
          logprobs: logprobs?.content ? mapLogprobs(logprobs.content) : mapLegacyLogprobs(logprobs),
        };
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason as FinishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    yield { type: 'finish', finishReason, usage };
  }

  private async send(
    endpoint: Endpoint,
    body: Record<string, unknown>,
    cancellation: Cancellation | undefined,
  ): Promise<UpstreamAnswer> {
    const model = typeof body.model === 'string' ? body.model : undefined;
    const { origin, path } = this.destination(this.url(`/${endpoint}`, model));
    const headers = this.headers();
    const response = await exchange(this.agent, {
      origin,
      path,
      headers: body.stream === true ? headers.stream : headers.json,
      body: JSON.stringify(body),
      cancellation,
      headersTimeoutMs: this.timeouts.first_token * 1000,
      bodyTimeoutMs: this.timeouts.idle * 1000,
    });
    if (response.statusCode >= 400) throw await this.httpError(response);
    if (response.statusCode >= 300) {
      await response.text().catch(() => '');
      throw upstreamError(
        `provider '${this.name}' answered ${response.statusCode}: redirects are not followed`,
        false,
      );
    }
    return response;
  }

  private destination(url: string): Destination {
    let destination = this.destinations.get(url);
    if (!destination) {
      const parsed = new URL(url);
      destination = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      // Bounded: Azure's URLs vary with the model, and models are configured, not sent.
      if (this.destinations.size < 1000) this.destinations.set(url, destination);
    }
    return destination;
  }

  private headers(): { json: Record<string, string>; stream: Record<string, string> } {
    this.headerSets ??= {
      json: this.headersFor('application/json'),
      stream: this.headersFor('text/event-stream'),
    };
    return this.headerSets;
  }

  private headersFor(accept: string): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept,
      ...this.authHeaders(),
      ...this.config.headers,
    };
  }

  /** Reads an upstream SSE stream into chunks; its end without `[DONE]` is an error. */
  private async *events(
    response: UpstreamAnswer,
    deadline: FirstTokenDeadline,
    clientWantsUsage: boolean,
  ): AsyncGenerator<WireChunk> {
    let done = false;
    const decoder = new TextDecoder();
    const parser = new SseParser();
    try {
      for (;;) {
        const bytes = await response.read();
        const text = bytes ? decoder.decode(bytes, { stream: true }) : '';
        // Read on to the body's end rather than stop at [DONE]: a fully read body lets undici
        // reuse the connection.
        for (const event of bytes ? parser.push(text) : parser.end()) {
          if (done) continue;
          if (event.data === '[DONE]') {
            done = true;
            continue;
          }
          const json = this.parse(event.data);
          if (json.error) {
            throw upstreamError(
              `provider '${this.name}': ${this.redact(json.error.message)}`,
              true,
            );
          }
          const content = hasContent(json);
          if (content) deadline.clear();
          const usage = usageOf(json);
          const finishReason = (json.choices?.[0]?.finish_reason as string | null) ?? undefined;
          const frame = clientFrame(event.data, json, clientWantsUsage);
          yield { frame, json, usage, content, finishReason };
        }
        if (!bytes) break;
      }
    } catch (error) {
      throw this.failure(error, deadline, undefined);
    } finally {
      deadline.clear();
      if (!done) response.destroy();
    }
    if (!done) {
      throw upstreamError(`provider '${this.name}' ended its stream before [DONE]`, true);
    }
  }

  private parse(text: string): WireObject {
    try {
      const json: unknown = JSON.parse(text);
      if (json && typeof json === 'object' && !Array.isArray(json)) return json as WireObject;
    } catch {
      // reported below
    }
    throw upstreamError(`provider '${this.name}' sent a response that is not JSON`, true);
  }

  /** Turns a transport error into a SalonError that names the provider and never the key. */
  private failure(
    error: unknown,
    deadline: FirstTokenDeadline | undefined,
    clientSignal: Cancellation | undefined,
  ): unknown {
    if (error instanceof SalonError || clientSignal?.aborted) return error;
    if (deadline?.expired) {
      return upstreamTimeout(
        `provider '${this.name}' sent nothing within ${this.timeouts.first_token} s`,
        error,
      );
    }
    const code = (error as { code?: string } | undefined)?.code;
    if (code === 'UND_ERR_BODY_TIMEOUT') {
      return upstreamTimeout(
        `provider '${this.name}' stalled for ${this.timeouts.idle} s mid-response`,
        error,
      );
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT') {
      return upstreamTimeout(
        `provider '${this.name}' sent no response within ${this.timeouts.first_token} s`,
        error,
      );
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return upstreamTimeout(
        `provider '${this.name}' did not accept a connection within ${this.timeouts.connect} s`,
        error,
      );
    }
    return upstreamError(
      `provider '${this.name}' is unreachable: ${this.redact(describe(error))}`,
      true,
      error,
    );
  }

  private async httpError(response: UpstreamAnswer): Promise<SalonError> {
    const text = await response.text().catch(() => '');
    let message = text.slice(0, 500);
    try {
      message = (JSON.parse(text) as WireObject).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    message = this.redact(message);
    const status = response.statusCode;
    const retryAfter = parseRetryAfter(response.header('retry-after'));
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    if (!retryable) {
      return new SalonError('upstream_rejected', `provider '${this.name}': ${message}`, {
        status,
        type: 'invalid_request_error',
      });
    }
    return new SalonError(
      'upstream_error',
      `provider '${this.name}' answered ${status}: ${message}`,
      {
        status: status === 429 ? 429 : 502,
        type: status === 429 ? 'rate_limit_error' : 'upstream_error',
        isRetryable: true,
        retryAfter,
      },
    );
  }

  /** Upstreams sometimes echo the key they were sent; it must not reach a client or a log. */
  private redact(message: string | undefined): string {
    const key = this.config.api_key;
    const text = message ?? 'unknown error';
    return key && key.length >= 8 ? text.replaceAll(key, '[redacted]') : text;
  }
}

/**
 * Ends a stream whose headers came but whose first generated token does not come within the
 * first-token limit. A timer rather than an AbortSignal: `AbortSignal.any` per request is a
 * measurable share of the gateway's own cost.
 */
class FirstTokenDeadline {
  expired = false;
  private readonly timer: NodeJS.Timeout;

  constructor(seconds: number, body: { destroy(error?: Error): unknown }) {
    this.timer = setTimeout(() => {
      this.expired = true;
      body.destroy(new Error('first token deadline'));
    }, seconds * 1000);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** The frame the client gets: as received, without the usage it did not ask for. */
function clientFrame(
  data: string,
  json: WireObject,
  clientWantsUsage: boolean,
): string | undefined {
  if (clientWantsUsage || !('usage' in json)) return `data: ${data}\n\n`;
  if (json.usage && !json.choices?.length) return undefined; // the usage-only final chunk
  const { usage: _usage, ...rest } = json;
  return `data: ${JSON.stringify(rest)}\n\n`;
}

function hasContent(json: WireObject): boolean {
  for (const choice of json.choices ?? []) {
    if (typeof choice.text === 'string' && choice.text) return true;
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (!delta) continue;
    for (const [key, value] of Object.entries(delta)) {
      if (key !== 'role' && value !== null && value !== '' && value !== undefined) return true;
    }
  }
  return false;
}

function usageOf(json: WireObject): Usage | undefined {
  const usage = json.usage;
  if (!usage) return undefined;
  return { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
}

function wantsUsage(body: Record<string, unknown>): boolean {
  return asObject(body.stream_options).include_usage === true;
}

function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
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

function mapLegacyLogprobs(
  logprobs: LegacyWireLogprobs | null | undefined,
): TokenLogprob[] | undefined {
  return logprobs?.tokens?.map((token, index) => ({
    token,
    logprob: logprobs.token_logprobs?.[index] ?? 0,
    bytes: [...Buffer.from(token)],
    topLogprobs: Object.entries(logprobs.top_logprobs?.[index] ?? {})
      .sort(([, a], [, b]) => b - a)
      .map(([top, logprob]) => ({ token: top, logprob, bytes: [...Buffer.from(top)] })),
  }));
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
