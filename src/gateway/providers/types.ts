// The one interface every provider adapter implements. Provider wire formats stop at the
// adapter: the gateway and the HTTP edge see only these typed parts.
import type { Cancellation } from '../../lib/cancellation.js';
import type {
  ContinuationScore,
  FinishReason as EngineFinishReason,
  TokenLogprob,
  Usage,
} from '../../engine/types.js';

export type { ContinuationScore, TokenLogprob, Usage };

/** Why a generation ended, across providers. */
export type FinishReason = EngineFinishReason | 'tool_calls' | 'content_filter';

/** A chat message as clients send it (OpenAI's shape, content as text or parts). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  content: string | null | Array<{ type: string; text?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** Options shared by chat and text completions. */
export interface GenerationRequest {
  /** The model name at the provider (a target's `model`), if the provider needs one. */
  model?: string;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  logprobs?: boolean;
  topLogprobs?: number;
  responseFormat?:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; json_schema: { name?: string; schema?: Record<string, unknown> } };
  /** Fields the client sent that Salon does not interpret; HTTP providers forward them. */
  extra?: Record<string, unknown>;
  signal?: AbortSignal;
}

/** A chat completion request. */
export interface ChatRequest extends GenerationRequest {
  messages: ChatMessage[];
}

/** A raw text completion request (no chat template). */
export interface CompletionRequest extends GenerationRequest {
  prompt: string;
}

/** Continuations to score after a raw prompt (no chat template). */
export interface ScoreRequest {
  prompt: string;
  continuations: readonly string[];
  /** Reuse cached prompt prefixes (default true); false is a benchmark's baseline. */
  reusePrefix?: boolean;
  /** The prompt's first N characters are shared by other prompts: tokenized once. */
  prefixLength?: number;
  /** Log-probabilities given that one of the continuations follows (see the engine's). */
  amongContinuations?: boolean;
  signal?: AbortSignal;
}

/** What a provider streams: text as it comes, then exactly one `finish`. */
export type StreamPart =
  | { type: 'text-delta'; text: string; logprobs?: TokenLogprob[] }
  | { type: 'finish'; finishReason: FinishReason; usage?: Usage };

/** The OpenAI-style endpoints the gateway routes, as paths under `/v1/`. */
export type Endpoint = 'chat/completions' | 'completions' | 'embeddings';

/**
 * A request in OpenAI's wire format, forwarded as the client sent it: only `model` is
 * replaced by the target's. Fields Salon does not know (`top_k`, `chat_template_kwargs`,
 * tools, …) reach the upstream untouched.
 */
export interface WireRequest {
  endpoint: Endpoint;
  body: Record<string, unknown>;
  /** Fires when the client goes away (an AbortSignal fits). */
  signal?: Cancellation;
}

/** One event of a stream in OpenAI's wire format, ready for the client. */
export interface WireChunk {
  /** The SSE frame to send (`data: {…}\n\n`), or none when the client did not ask for it. */
  frame?: string;
  /** The event as parsed, where the provider had it parsed anyway. */
  json?: WireObject;
  /** Token counts, on the event that reports them. */
  usage?: Usage;
  /** True when the event carries generated output (text, tool calls, reasoning). */
  content: boolean;
  /** Why the generation ended, on the event that says so. */
  finishReason?: string;
}

/** A JSON object in OpenAI's wire format (a completion, a chunk, an embeddings list). */
export type WireObject = Record<string, unknown> & {
  choices?: Array<Record<string, unknown>>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string; type?: string; code?: string | null } | null;
};

/**
 * What an upstream answered: one JSON body, or a stream of chunks that ends without `[DONE]`
 * (the edge writes its own terminator). Errors before any of it are SalonErrors.
 */
export type WireResponse =
  | {
      kind: 'json';
      text: string;
      usage?: Usage;
      /** When the first token was generated (`performance.now()`), where the provider knows. */
      firstTokenAt?: number;
    }
  | { kind: 'stream'; chunks: AsyncIterable<WireChunk> };

/** A configured provider: the embedded engine or an HTTP API. */
export interface Provider {
  readonly name: string;
  readonly type: string;
  /**
   * Forward a request in OpenAI's wire format. HTTP providers implement it; for the others the
   * gateway translates the request to `chat`/`complete` and the parts back to the wire format.
   */
  forward?(request: WireRequest): Promise<WireResponse>;
  /** Stream a chat completion. Errors before the first part are SalonErrors; retryable ones may fail over. */
  chat(request: ChatRequest): AsyncIterable<StreamPart>;
  /** Stream a raw text completion, where the provider supports it. */
  complete?(request: CompletionRequest): AsyncIterable<StreamPart>;
  /**
   * Log-likelihood of each continuation after the prompt, where the provider reads the model
   * directly (the embedded engine); evaluation prefers it to reading top logprobs.
   */
  scoreContinuations?(request: ScoreRequest): Promise<ContinuationScore[]>;
  /** Free what the provider holds (loaded models, connections). */
  close(): Promise<void>;
}

/** Flattens a message's content to plain text (text parts joined; other parts ignored). */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (!message.content) return '';
  return message.content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
