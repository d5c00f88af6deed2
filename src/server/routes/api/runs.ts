// Following a run over SSE, and stopping it. A client resumes with `Last-Event-ID` (the
// browser's EventSource sends it on reconnect) or `?after=N`, and gets exactly the events
// after N: replayed from the bus log, then live; the stream ends after `finish` or `error`.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getOwnedRun } from '../../../chat/messages.js';
import { followRunEvents } from '../../../chat/run-follow.js';
import { badRequest } from '../../../lib/errors.js';
import { sseEvent } from '../../../lib/sse.js';
import type { ServerContext } from '../../context.js';
import { startSseResponse } from '../../sse-response.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const heartbeatMs = 15_000;

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

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** GET /api/runs/:id/events (SSE) and POST /api/runs/:id/stop. */
export function runRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;
  // Followers wait on runs that only end when the runtime closes, after the app: end them
  // first, so shutdown does not wait; clients resume elsewhere with Last-Event-ID.
  const followers = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const follower of followers) follower.abort();
  });

  app.get('/api/runs/:id/events', async (request, reply) => {
    const user = requireUser(request);
    const runId = idParam(request);
    const after = lastEventId(request);
    const controller = new AbortController();
    followers.add(controller);
    controller.signal.addEventListener('abort', () => followers.delete(controller));
    // Ownership is checked here, before the stream starts, so a stranger gets a plain 404.
    const events = await followRunEvents(
      { db, bus: context.bus },
      { userId: user.id, runId, after, signal: controller.signal },
    );
    const response = startSseResponse(reply);
    response.on('close', () => controller.abort());
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), heartbeatMs);
    try {
      for await (const event of events) {
        if (response.destroyed) break;
        const frame = sseEvent({
          id: event.seq,
          event: event.type,
          data: JSON.stringify(event.data),
        });
        if (!response.write(frame)) await drained(response);
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
