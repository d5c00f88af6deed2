// Following a run over SSE, and stopping it. A client resumes with `Last-Event-ID` (the
// browser's EventSource sends it on reconnect) or `?after=N`, and gets exactly the events
// after N: replayed from the bus log, then live; the stream ends after `finish` or `error`, or,
// when this replica shuts down, after a `reconnect` event (no id) telling the client to resume.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getOwnedRun } from '../../../chat/messages.js';
import { followRunEvents } from '../../../chat/run-follow.js';
import { badRequest } from '../../../lib/errors.js';
import { sseEvent } from '../../../lib/sse.js';
import type { ServerContext } from '../../context.js';
import { requestLimits } from '../../request-limits.js';
import { drainOrDrop, startSseResponse } from '../../sse-response.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const heartbeatMs = 15_000;

/** How long a client told to reconnect waits first: the load balancer has then dropped us. */
export const reconnectRetryMs = 1_000;

// Without an id, so the client does not take it for an event of the run; `retry` is the SSE field
// EventSource honours, `retryMs` the same for clients reading the stream over fetch.
const reconnectFrame =
  `retry: ${reconnectRetryMs}\nevent: reconnect\n` +
  `data: ${JSON.stringify({ retryMs: reconnectRetryMs, reason: 'shutting down' })}\n\n`;

function lastEventId(request: FastifyRequest): number {
  const header = request.headers['last-event-id'];
  const query = (request.query as { after?: unknown } | undefined)?.after;
  // The header wins: a reconnecting EventSource keeps the original URL's `?after`.
  const value = typeof header === 'string' && header.trim() ? header.trim() : query;
  if (value === undefined || value === '') return 0;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) {
    throw badRequest('Last-Event-ID and after must be event numbers.', 'after', 'invalid_event_id');
  }
  return Number(value);
}

/** GET /api/runs/:id/events (SSE) and POST /api/runs/:id/stop. */
export function runRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;
  const { streamStallMs } = requestLimits(context.settings.config.limits);
  // Followers wait on runs that only end when the runtime closes, after the app: end them
  // first, so shutdown does not wait; clients resume elsewhere with Last-Event-ID.
  const followers = new Map<AbortController, ServerResponse | undefined>();
  app.addHook('preClose', async () => {
    for (const [follower, response] of followers) {
      if (response && !response.destroyed) response.write(reconnectFrame);
      follower.abort();
    }
  });

  app.get('/api/runs/:id/events', async (request, reply) => {
    const user = requireUser(request);
    const runId = idParam(request);
    const after = lastEventId(request);
    const controller = new AbortController();
    followers.set(controller, undefined);
    controller.signal.addEventListener('abort', () => followers.delete(controller));
    // Ownership is checked here, before the stream starts, so a stranger gets a plain 404.
    const events = await followRunEvents(
      { db, bus: context.bus },
      { userId: user.id, runId, after, signal: controller.signal },
    );
    const response = startSseResponse(reply);
    if (followers.has(controller)) followers.set(controller, response);
    response.on('close', () => controller.abort());
    // Skipped while the socket is full: the stream is not idle then, and a heartbeat would only
    // add to what a client that stopped reading leaves buffered.
    const heartbeat = setInterval(() => {
      if (!response.writableNeedDrain) response.write(': heartbeat\n\n');
    }, heartbeatMs);
    try {
      for await (const event of events) {
        if (response.destroyed || controller.signal.aborted) break;
        const frame = sseEvent({
          id: event.seq,
          event: event.type,
          data: JSON.stringify(event.data),
        });
        // A client that reads nothing for streamStallMs is dropped; the run goes on, and the
        // client resumes from its Last-Event-ID.
        if (!response.write(frame) && !(await drainOrDrop(response, streamStallMs))) break;
      }
    } catch (error) {
      request.log.error({ err: error }, 'following a run failed');
      // Without an id: the client must not take it for an event of the run.
      const data = JSON.stringify({ message: 'Following the reply failed: reload to see it.' });
      if (!response.destroyed) response.write(`event: error\ndata: ${data}\n\n`);
    } finally {
      clearInterval(heartbeat);
      controller.abort();
      response.end();
    }
  });

  app.post('/api/runs/:id/stop', async (request, reply) => {
    const user = requireUser(request);
    const runId = idParam(request);
    await getOwnedRun(db, user.id, runId);
    await context.runs.stop(runId);
    return reply.code(204).send();
  });
}
