import type { FastifyInstance } from 'fastify';
import { newId } from '../../../lib/ids.js';
import type { ServerContext } from '../../context.js';
import { parseCompletionBody } from '../../../gateway/types.js';
import { collectParts, startGeneration, streamParts } from './generation-handler.js';
import {
  TextChunkWriter,
  legacyLogprobs,
  wireFinishReason,
  wireUsage,
} from '../../../gateway/types.js';

/** POST /v1/completions: the legacy raw-prompt API, without a chat template. */
export function completionsRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/v1/completions', async (request, reply) => {
    const startedAt = performance.now();
    const parsed = parseCompletionBody(request.body);
    const started = await startGeneration(request, reply, (signal) =>
      context.gateway.complete(parsed.model, { ...parsed.request, signal }),
    );
    const id = newId('cmpl');
    const created = Math.floor(Date.now() / 1000);
    if (parsed.stream) {
      const writer = new TextChunkWriter(id, created, parsed.model);
      return streamParts(reply, started, writer, parsed.includeUsage, context.metrics, startedAt);
    }
    const result = await collectParts(started, context.metrics, startedAt);
    return {
      id,
      object: 'text_completion',
      created,
      model: parsed.model,
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
  });
}
