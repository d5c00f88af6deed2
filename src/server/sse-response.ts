// Taking a reply over for server-sent events: Fastify stops managing it, and headers set on
// the reply so far (by hooks, or `x-salon-target`) go out with the stream's own. Writers wait
// for `drain` when the socket is full, but only for so long: a client that stops reading would
// otherwise hold its stream (and, on /v1, the model's sequence) forever. It is disconnected
// instead; a chat run goes on regardless and the client resumes with Last-Event-ID.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';

/** Hijacks `reply`, writes the 200 and SSE headers, and returns the raw response to write to. */
export function startSseResponse(reply: FastifyReply): ServerResponse {
  const response = reply.raw;
  reply.hijack();
  response.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // Stops nginx from buffering the stream.
    'x-accel-buffering': 'no',
  });
  return response;
}

/**
 * Waits until `response` can take more. True once drained; false when it was closed, or when
 * the client read nothing for `stallMs` (the response is then destroyed).
 */
export function drainOrDrop(response: ServerResponse, stallMs: number): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(drained);
    };
    const onDrain = () => finish(true);
    const onClose = () => finish(false);
    const timer = setTimeout(() => {
      finish(false);
      response.destroy();
    }, stallMs);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}
