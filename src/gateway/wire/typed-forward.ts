// Serves a request in OpenAI's wire format on a provider that speaks only typed parts (the
// embedded engine): the body is validated strictly (the engine must understand every option
// it is given), the parts are encoded back into OpenAI's chunks and completions.
import { toAbortSignal } from '../../lib/cancellation.js';
import { badRequest } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type {
  FinishReason,
  Provider,
  StreamPart,
  TokenLogprob,
  Usage,
  WireChunk,
  WireRequest,
  WireResponse,
} from '../providers/types.js';
import {
  ChatChunkWriter,
  TextChunkWriter,
  legacyLogprobs,
  wireFinishReason,
  wireLogprobs,
  wireUsage,
} from './openai-wire.js';
import { parseChatBody, parseCompletionBody, type ParsedRequest } from './parse-request.js';

/**
 * Starts the generation and waits for its first part, so that a failure to start is an error
 * of this call (and the gateway can try another target) rather than of the stream.
 */
export async function forwardTyped(
  provider: Provider,
  request: WireRequest,
  /** The model name the client asked for, shown in the response. */
  modelName: string,
): Promise<WireResponse> {
  const { endpoint, body } = request;
  const signal = toAbortSignal(request.signal);
  if (endpoint === 'embeddings') {
    throw badRequest(`The model '${modelName}' does not serve embeddings.`, 'model');
  }
  const chat = endpoint === 'chat/completions';
  if (!chat && !provider.complete) {
    throw badRequest(`The model '${modelName}' does not serve text completions.`, 'model');
  }
  const target = typeof body.model === 'string' ? body.model : undefined;
  let parsed: ParsedRequest<unknown>;
  let parts: AsyncIterable<StreamPart>;
  if (chat) {
    const chatRequest = parseChatBody(body);
    parsed = chatRequest;
    parts = provider.chat({ ...chatRequest.request, model: target, signal });
  } else {
    const completion = parseCompletionBody(body);
    parsed = completion;
    parts = provider.complete!({ ...completion.request, model: target, signal });
  }
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  const id = newId(chat ? 'chatcmpl' : 'cmpl');
  const created = Math.floor(Date.now() / 1000);
  if (parsed.stream) {
    const writer = chat
      ? new ChatChunkWriter(id, created, modelName, parsed.includeUsage)
      : new TextChunkWriter(id, created, modelName);
    const chunks = encode(first, iterator, writer, parsed.includeUsage, parsed.echo);
    return { kind: 'stream', chunks };
  }
  const result = await collect(first, iterator);
  if (parsed.echo) result.text = parsed.echo + result.text;
  const json = chat
    ? {
        id,
        object: 'chat.completion',
        created,
        model: modelName,
        system_fingerprint: null,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: result.text, refusal: null },
            logprobs: result.logprobs ? { content: wireLogprobs(result.logprobs) } : null,
            finish_reason: wireFinishReason(result.finishReason),
          },
        ],
        usage: wireUsage(result.usage),
      }
    : {
        id,
        object: 'text_completion',
        created,
        model: modelName,
        choices: [
          {
            index: 0,
            text: result.text,
            logprobs: result.logprobs ? legacyLogprobs(result.logprobs) : null,
            finish_reason: wireFinishReason(result.finishReason),
          },
        ],
        usage: wireUsage(result.usage),
      };
  return {
    kind: 'json',
    text: JSON.stringify(json),
    usage: result.usage,
    firstTokenAt: result.firstTokenAt,
  };
}

interface ChunkWriter {
  role?(): string;
  delta(text: string, logprobs?: TokenLogprob[]): string;
  finish(reason: FinishReason): string;
  usage(usage: Usage | undefined): string;
}

async function* encode(
  first: IteratorResult<StreamPart>,
  iterator: AsyncIterator<StreamPart>,
  writer: ChunkWriter,
  includeUsage: boolean,
  echo: string | undefined,
): AsyncGenerator<WireChunk> {
  try {
    if (writer.role) yield { frame: writer.role(), content: false };
    if (echo) yield { frame: writer.delta(echo), content: false };
    for (let next = first; !next.done; next = await iterator.next()) {
      const part = next.value;
      if (part.type === 'text-delta') {
        yield { frame: writer.delta(part.text, part.logprobs), content: true };
      } else {
        const frame =
          writer.finish(part.finishReason) + (includeUsage ? writer.usage(part.usage) : '');
        yield { frame, usage: part.usage, content: false, finishReason: part.finishReason };
      }
    }
  } finally {
    await iterator.return?.();
  }
}

interface Collected {
  text: string;
  logprobs?: TokenLogprob[];
  finishReason: FinishReason;
  usage?: Usage;
  firstTokenAt?: number;
}

async function collect(
  first: IteratorResult<StreamPart>,
  iterator: AsyncIterator<StreamPart>,
): Promise<Collected> {
  const result: Collected = { text: '', finishReason: 'stop' };
  for (let next = first; !next.done; next = await iterator.next()) {
    const part = next.value;
    if (part.type === 'text-delta') {
      result.firstTokenAt ??= performance.now();
      result.text += part.text;
      if (part.logprobs) (result.logprobs ??= []).push(...part.logprobs);
    } else {
      result.finishReason = part.finishReason;
      result.usage = part.usage;
    }
  }
  return result;
}
