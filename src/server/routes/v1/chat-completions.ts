import type { FastifyInstance } from 'fastify';
import { newId } from '../../../lib/ids.js';
import type { ServerContext } from '../../context.js';
import { parseChatBody } from '../../../gateway/types.js';
import { collectParts, startGeneration, streamParts } from './generation-handler.js';
import {
  ChatChunkWriter,
  wireFinishReason,
  wireLogprobs,
  wireUsage,
} from '../../../gateway/types.js';

/** POST /v1/chat/completions with OpenAI's request and response shapes. */
export function chatCompletionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const startedAt = performance.now();
    const parsed = parseChatBody(request.body);
    const started = await startGeneration(request, reply, (signal) =>
      context.gateway.chat(parsed.model, { ...parsed.request, signal }),
    );
    const id = newId('chatcmpl');
    const created = Math.floor(Date.now() / 1000);
    if (parsed.stream) {
      const writer = new ChatChunkWriter(id, created, parsed.model, parsed.includeUsage);
      return streamParts(reply, started, writer, parsed.includeUsage, context.metrics, startedAt);
    }
    const result = await collectParts(started, context.metrics, startedAt);
    return {
      id,
      object: 'chat.completion',
      created,
      model: parsed.model,
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
    };
  });
}
