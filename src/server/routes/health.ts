import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { ServerContext } from '../context.js';

/** /healthz (the process answers), /readyz (storage answers), /metrics (Prometheus text). */
export function healthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(context.store.db);
      return { status: 'ready', models: context.gateway.listModels().length };
    } catch (error) {
      reply.code(503);
      return { status: 'unavailable', reason: `storage: ${(error as Error).message}` };
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });
}
