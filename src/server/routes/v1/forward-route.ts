// POST /v1/chat/completions, /v1/completions and /v1/embeddings: the body goes to the gateway
// as the client sent it, and the upstream's answer comes back as it was sent, streamed or
// not. Nothing is written until the gateway has an answer, so an error before that point is
// a proper HTTP error; after it, an error is an in-stream `error` event in OpenAI's shape,
// never a silent truncation. Every request is admitted by V1Governance first (allowed models,
// rate limits, budgets) and settled with its usage once it has ended, however it ended.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Forwarded } from '../../../gateway/gateway.js';
import {
  doneFrame,
  parseForwardBody,
  wireError,
  type Endpoint,
  type Usage,
} from '../../../gateway/types.js';
import { Canceller } from '../../../lib/cancellation.js';
import { isSalonError } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';
import type { Metrics } from '../../metrics.js';
import { checkGenerationCaps, maxTokensFor, requestLimits } from '../../request-limits.js';
import { SseBatcher } from '../../sse-batcher.js';
import { startSseResponse } from '../../sse-response.js';
import { UsageReport } from './usage-report.js';

/** Registers the route for one forwarded endpoint. */
export function forwardRoute(
  app: FastifyInstance,
  context: ServerContext,
  endpoint: Endpoint,
): void {
  const limits = requestLimits(context.settings.config.limits);
  app.post(`/v1/${endpoint}`, async (request, reply) => {
    const startedAt = performance.now();
    const { model, body } = parseForwardBody(endpoint, request.body);
    if (endpoint !== 'embeddings') {
      const maxTokens = maxTokensFor(context.gateway, model, limits.maxTokens);
      checkGenerationCaps(body, { maxTokens, n: limits.n });
    }
    const caller = { apiKey: request.apiKey };
    const admission = await context.governance.admit(reply, caller, model, `/v1/${endpoint}`);
    const report = new UsageReport(context.governance, admission, startedAt);
    const signal = abortOnClose(request, reply);
    let forwarded: Forwarded;
    try {
      forwarded = await context.gateway.forward(model, { endpoint, body, signal });
    } catch (error) {
      report.failedBeforeAnswer(error, signal.aborted);
      throw error;
    }
    report.served(forwarded);
    reply.header('x-salon-target', forwarded.target);
    const meter = new Meter(context.metrics, model, startedAt);
    if (forwarded.response.kind === 'json') {
      const { text, usage, firstTokenAt } = forwarded.response;
      // Written before the metering and the ledger row (11-13 µs, bench/gateway), as a stream's
      // last frame is: the client need not wait for the bookkeeping.
      reply.type('application/json; charset=utf-8').send(text);
      meter.firstToken(firstTokenAt);
      meter.finish('stop', usage);
      report.answered(usage, { firstTokenAt });
      return reply;
    }
    return streamChunks(reply, forwarded, meter, report, limits.streamStallMs, signal);
  });
}

/**
 * A cancellation that fires when the client goes away before the response is complete. Not an
 * AbortController: most requests are never cancelled, and an AbortSignal costs several µs each.
 */
function abortOnClose(request: FastifyRequest, reply: FastifyReply): Canceller {
  const canceller = new Canceller();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) canceller.abort();
  });
  request.raw.on('aborted', () => canceller.abort());
  return canceller;
}

async function streamChunks(
  reply: FastifyReply,
  forwarded: Forwarded,
  meter: Meter,
  report: UsageReport,
  stallMs: number,
  cancel: Canceller,
) {
  if (forwarded.response.kind !== 'stream') return;
  const response = startSseResponse(reply);
  const batch = new SseBatcher(response, stallMs);
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  let failure: unknown;
  let contentChunks = 0;
  let clientLeft = false;
  try {
    for await (const chunk of forwarded.response.chunks) {
      if (chunk.usage) usage = chunk.usage;
      if (chunk.content) contentChunks++;
      // Once the client has left, the rest is read and not written, for the final usage: what
      // was generated is metered (else leaving early would get around a token budget). The
      // engine sees the cancel at its next token, so this ends at once.
      if (clientLeft) continue;
      if (chunk.content) meter.firstToken();
      if (chunk.finishReason) finishReason = chunk.finishReason;
      // Waits while the socket is full: a slow reader is not buffered without end, and one that
      // stops reading is dropped after `stallMs` (which aborts the generation).
      const waiting = chunk.frame ? batch.push(chunk.frame) : undefined;
      if (waiting) await waiting;
      if (response.destroyed) {
        clientLeft = true;
        // The response's 'close' cancels too, but after a stall drop it is still a tick away.
        cancel.abort();
      }
    }
    if (!response.destroyed) batch.end(doneFrame);
  } catch (error) {
    // Once the client has left, an upstream's stream ends in an error of the cancel's making.
    if (!response.destroyed) {
      finishReason = 'error';
      failure = error;
      batch.end(`data: ${JSON.stringify(errorBody(error))}\n\n`);
      if (!isSalonError(error)) reply.log.error({ err: error }, 'stream failed');
    }
  } finally {
    batch.dispose();
    const clientGone = response.destroyed && !response.writableFinished;
    // An upstream cut off by the cancel never sends its usage: count what it streamed, a token
    // per content chunk as OpenAI-style APIs stream (its prompt's tokens are not known here).
    if (clientGone && !usage) usage = { promptTokens: 0, completionTokens: contentChunks };
    // A client that left before the finish chunk ended the generation: an abort, not a stop.
    meter.finish(finishReason ?? (clientGone ? 'abort' : 'stop'), usage);
    report.answered(usage, { firstTokenAt: meter.firstTokenAt, error: failure, clientGone });
  }
}

function errorBody(error: unknown) {
  return isSalonError(error)
    ? wireError(error)
    : wireError({
        message: 'The generation failed.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      });
}

/** Prometheus figures for one generation. */
class Meter {
  /** When the first token was seen (`performance.now()`), once it was. */
  firstTokenAt?: number;

  constructor(
    private readonly metrics: Metrics,
    private readonly model: string,
    private readonly startedAt: number,
  ) {}

  /** Records the time to first token, once; `at` defaults to now. */
  firstToken(at = performance.now()): void {
    if (this.firstTokenAt !== undefined) return;
    this.firstTokenAt = at;
    const seconds = (at - this.startedAt) / 1000;
    this.metrics.timeToFirstToken.observe({ model: this.model }, seconds);
  }

  finish(finishReason: string, usage: Usage | undefined): void {
    const model = this.model;
    this.metrics.generations.inc({ model, finish_reason: finishReason });
    if (usage) {
      this.metrics.tokens.inc({ model, kind: 'prompt' }, usage.promptTokens);
      this.metrics.tokens.inc({ model, kind: 'completion' }, usage.completionTokens);
    }
  }
}
