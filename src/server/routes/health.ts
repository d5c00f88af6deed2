import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ServerContext } from '../context.js';

/**
 * /healthz (the process answers), /readyz (storage answers and the process is not shutting down;
 * names this replica), /metrics (Prometheus text).
 */
export function healthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const replica = context.runs.replicaId;
    // First thing a graceful shutdown changes, so a load balancer sends new requests elsewhere.
    if (context.runs.draining) {
      reply.code(503);
      return { status: 'draining', replica, reason: 'shutting down' };
    }
    try {
      await sql`select 1`.execute(context.store.db);
      return { status: 'ready', replica, models: context.gateway.listModels().length };
    } catch (error) {
      reply.code(503);
      return { status: 'unavailable', replica, reason: `storage: ${(error as Error).message}` };
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
}
