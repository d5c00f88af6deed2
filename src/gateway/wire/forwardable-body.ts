// A hand-written check of a /v1 body on the forward path, run before zod: nearly every body is
// well formed, and zod's parse of it (a copy of the body and of every message) was ~4% of the
// gateway's CPU per request (bench/gateway profile). It accepts only bodies that the zod schemas
// in parse-request.ts accept; anything else still goes through zod, which words the 400.
import type { Endpoint } from '../providers/types.js';

/** The fields the forward path reads from a body that passed. */
export interface ForwardableBody extends Record<string, unknown> {
  model: string;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
}

/** True when `body` certainly passes the forward schema of `endpoint`. */
export function isForwardable(endpoint: Endpoint, body: unknown): body is ForwardableBody {
  if (!isPlainObject(body)) return false;
  const { model, stream, stream_options: options } = body;
  if (typeof model !== 'string' || model.length === 0) return false;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return false;
  if (options !== undefined && options !== null) {
    if (!isPlainObject(options)) return false;
    const includeUsage = options.include_usage;
    if (includeUsage !== undefined && typeof includeUsage !== 'boolean') return false;
  }
  switch (endpoint) {
    case 'chat/completions':
      return areMessages(body.messages);
    case 'completions':
      return isTextOrList(body.prompt);
    case 'embeddings':
      return isTextOrList(body.input);
  }
}

function areMessages(messages: unknown): boolean {
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages) {
    if (!isPlainObject(message) || typeof message.role !== 'string') return false;
  }
  return true;
}

function isTextOrList(value: unknown): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.length > 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
