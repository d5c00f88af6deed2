// Validation of OpenAI request bodies. Unknown fields are kept (as `extra`) so that HTTP
// providers can forward them; the embedded engine ignores them.
import { z } from 'zod';
import { badRequest } from '../../lib/errors.js';
import { parseBody } from '../../lib/parse-body.js';
import { isForwardable } from './forwardable-body.js';
import type {
  ChatRequest,
  CompletionRequest,
  Endpoint,
  GenerationRequest,
} from '../providers/types.js';

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const message = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

const common = {
  model: z.string({ error: 'model is required' }).min(1),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).nullish(),
  n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().optional(),
};

const chatBody = z.looseObject({
  ...common,
  messages: z.array(message).min(1, 'messages must contain at least one message'),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  response_format: responseFormat.nullish(),
});

const completionBody = z.looseObject({
  ...common,
  prompt: z.string({ error: 'prompt must be a string' }),
  logprobs: z.number().int().min(0).max(20).nullish(),
  echo: z.boolean().nullish(),
});

/** What the HTTP edge needs besides the provider request. */
export interface ParsedRequest<R> {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  /** Text completions with `echo`: the prompt, written before the generated text. */
  echo?: string;
  request: R;
}

/** Parses a /v1/chat/completions body or throws a 400 naming the bad field. */
export function parseChatBody(body: unknown): ParsedRequest<ChatRequest> {
  const parsed = parseBody(chatBody, body);
  if (parsed.top_logprobs != null && !parsed.logprobs) {
    throw badRequest('top_logprobs requires logprobs to be true', 'top_logprobs');
  }
  const { messages, logprobs, top_logprobs, response_format, ...rest } = parsed;
  return {
    ...edge(rest),
    request: {
      ...generation(rest),
      messages: messages as ChatRequest['messages'],
      logprobs: logprobs ?? undefined,
      topLogprobs: top_logprobs ?? undefined,
      responseFormat: response_format ?? undefined,
    },
  };
}

/** Parses a legacy /v1/completions body or throws a 400 naming the bad field. */
export function parseCompletionBody(body: unknown): ParsedRequest<CompletionRequest> {
  const { prompt, logprobs, echo, ...rest } = parseBody(completionBody, body);
  if (echo && logprobs != null) {
    // The prompt's own token log-probabilities would be needed; generation does not compute them.
    throw badRequest(
      'echo together with logprobs is not supported on this model: ask for one or the other',
      'echo',
    );
  }
  return {
    ...edge(rest),
    echo: echo ? prompt : undefined,
    request: {
      ...generation(rest),
      prompt,
      logprobs: logprobs != null,
      topLogprobs: logprobs ?? undefined,
    },
  };
}

type Common = z.infer<z.ZodObject<typeof common>> & Record<string, unknown>;

function edge(body: Common): Omit<ParsedRequest<never>, 'request'> {
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
  };
}

function generation(body: Common): GenerationRequest {
  const {
    model: _model,
    max_tokens,
    max_completion_tokens,
    temperature,
    top_p,
    seed,
    stop,
    n: _n,
    stream: _stream,
    stream_options: _options,
    user: _user,
    ...extra
  } = body;
  return {
    maxTokens: max_completion_tokens ?? max_tokens ?? undefined,
    temperature: temperature ?? undefined,
    topP: top_p ?? undefined,
    seed: seed ?? undefined,
    stop: stop == null ? undefined : typeof stop === 'string' ? [stop] : stop,
    extra,
  };
}

// What the HTTP edge checks before forwarding: enough to route and to answer in the right
// form. Everything else is the target's to judge (the embedded engine parses strictly above).
const forwardCommon = {
  model: z.string({ error: 'model is required' }).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
};
/** The forward path's schemas by endpoint (exported for forwardable-body.ts's tests). */
export const forwardBodies = {
  'chat/completions': z.looseObject({
    ...forwardCommon,
    messages: z
      .array(z.looseObject({ role: z.string() }))
      .min(1, 'messages must contain at least one message'),
  }),
  completions: z.looseObject({
    ...forwardCommon,
    prompt: z.union([z.string(), z.array(z.unknown()).min(1)], {
      error: 'prompt must be a string or an array',
    }),
  }),
  embeddings: z.looseObject({
    ...forwardCommon,
    input: z.union([z.string(), z.array(z.unknown()).min(1)], {
      error: 'input must be a string or an array',
    }),
  }),
};

/** Checks a /v1 body enough to route it; throws a 400 naming the bad field. */
export function parseForwardBody(
  endpoint: Endpoint,
  body: unknown,
): Omit<ParsedRequest<never>, 'request'> & { body: Record<string, unknown> } {
  const parsed = isForwardable(endpoint, body) ? body : parseBody(forwardBodies[endpoint], body);
  return {
    model: parsed.model,
    stream: parsed.stream === true && endpoint !== 'embeddings',
    includeUsage: parsed.stream_options?.include_usage === true,
    body: body as Record<string, unknown>,
  };
}
