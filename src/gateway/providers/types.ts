// The one interface every provider adapter implements. Provider wire formats stop at the
// adapter: the gateway and the HTTP edge see only these typed parts.
import type {
  FinishReason as EngineFinishReason,
  TokenLogprob,
  Usage,
} from '../../engine/types.js';

export type { TokenLogprob, Usage };

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

/** What a provider streams: text as it comes, then exactly one `finish`. */
export type StreamPart =
  | { type: 'text-delta'; text: string; logprobs?: TokenLogprob[] }
  | { type: 'finish'; finishReason: FinishReason; usage?: Usage };

/** A configured provider: the embedded engine or an HTTP API. */
export interface Provider {
  readonly name: string;
  readonly type: string;
  /** Stream a chat completion. Errors before the first part are SalonErrors; retryable ones may fail over. */
  chat(request: ChatRequest): AsyncIterable<StreamPart>;
  /** Stream a raw text completion, where the provider supports it. */
  complete?(request: CompletionRequest): AsyncIterable<StreamPart>;
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
