// Runs one generation for /v1/chat/completions and /v1/completions, streamed or not.
// Nothing is written until the gateway has produced a first part, so an error before that
// point is a proper HTTP error; after it, an error is an in-stream `error` event.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StartedStream } from '../../../gateway/gateway.js';
import type { FinishReason, StreamPart, TokenLogprob, Usage } from '../../../gateway/types.js';
import { isSalonError } from '../../../lib/errors.js';
import type { Metrics } from '../../metrics.js';
import { SseBatcher } from '../../sse-batcher.js';
import { startSseResponse } from '../../sse-response.js';
import { doneFrame, wireError } from '../../../gateway/types.js';

/** The frames of one response format (chat or text completion). */
export interface ChunkFormat {
  role?(): string;
  delta(text: string, logprobs?: TokenLogprob[]): string;
  finish(reason: FinishReason): string;
  usage(usage: Usage | undefined): string;
}

/** A finished, non-streamed generation. */
export interface Collected {
  text: string;
  logprobs?: TokenLogprob[];
  finishReason: FinishReason;
  usage?: Usage;
}

/** Starts the generation with an abort signal tied to the client's connection. */
export async function startGeneration(
  request: FastifyRequest,
  reply: FastifyReply,
  start: (signal: AbortSignal) => Promise<StartedStream>,
): Promise<StartedStream> {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  const started = await start(controller.signal);
  reply.header('x-salon-target', started.target);
  return started;
}

/** Streams parts to the client as SSE; returns the usage for metering. */
export async function streamParts(
  reply: FastifyReply,
  started: StartedStream,
  format: ChunkFormat,
  includeUsage: boolean,
  metrics: Metrics,
  startedAt: number,
): Promise<void> {
  const response = startSseResponse(reply);
  const batch = new SseBatcher(response);
  if (format.role) response.write(format.role());
  let firstToken = true;
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;
  try {
    for await (const part of started.parts) {
      if (part.type === 'text-delta') {
        if (firstToken) {
          firstToken = false;
          metrics.timeToFirstToken.observe(
            { model: started.model },
            (performance.now() - startedAt) / 1000,
          );
        }
        // Waits while the socket is full: a slow reader is not buffered without end.
        await batch.push(format.delta(part.text, part.logprobs));
      } else {
        finishReason = part.finishReason;
        usage = part.usage;
      }
    }
    if (response.destroyed) return;
    batch.end(
      format.finish(finishReason ?? 'stop') + (includeUsage ? format.usage(usage) : '') + doneFrame,
    );
  } catch (error) {
    if (!response.destroyed) {
      const body = isSalonError(error)
        ? wireError(error)
        : wireError({
            message: 'The generation failed.',
            type: 'server_error',
            param: null,
            code: 'internal_error',
          });
      batch.end(`data: ${JSON.stringify(body)}\n\n`);
    }
    if (!isSalonError(error)) reply.log.error({ err: error }, 'stream failed');
  } finally {
    batch.dispose();
    record(metrics, started.model, finishReason ?? 'error', usage);
  }
}

/** Collects every part of a non-streamed generation. */
export async function collectParts(
  started: StartedStream,
  metrics: Metrics,
  startedAt: number,
): Promise<Collected> {
  let text = '';
  let logprobs: TokenLogprob[] | undefined;
  let finishReason: FinishReason = 'stop';
  let usage: Usage | undefined;
  let first = true;
  for await (const part of started.parts as AsyncIterable<StreamPart>) {
    if (part.type === 'text-delta') {
      if (first) {
        first = false;
        metrics.timeToFirstToken.observe(
          { model: started.model },
          (performance.now() - startedAt) / 1000,
        );
      }
      text += part.text;
      if (part.logprobs) (logprobs ??= []).push(...part.logprobs);
    } else {
      finishReason = part.finishReason;
      usage = part.usage;
    }
  }
  record(metrics, started.model, finishReason, usage);
  return { text, logprobs, finishReason, usage };
}

function record(
  metrics: Metrics,
  model: string,
  finishReason: string,
  usage: Usage | undefined,
): void {
  metrics.generations.inc({ model, finish_reason: finishReason });
  if (usage) {
    metrics.tokens.inc({ model, kind: 'prompt' }, usage.promptTokens);
    metrics.tokens.inc({ model, kind: 'completion' }, usage.completionTokens);
  }
}
