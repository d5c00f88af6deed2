// Taking a reply over for server-sent events: Fastify stops managing it, and headers set on
// the reply so far (by hooks, or `x-salon-target`) go out with the stream's own.
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
