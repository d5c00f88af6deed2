// Builds the Fastify app from its parts. It never listens: `salon serve` does, tests use
// inject() or listen on port 0.
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { ServerContext } from './context.js';
import { installErrorHandler } from './error-handler.js';
import { installJsonBodyParser } from './json-body.js';
import { adminRoutes } from './routes/admin/index.js';
import { apiRoutes } from './routes/api/index.js';
import { healthRoutes } from './routes/health.js';
import { scimPrefix, scimRoutes } from './routes/scim/index.js';
import { v1Routes } from './routes/v1/index.js';
import { builtWebRoot, webUi } from './web-ui.js';

/** Options for buildApp. */
export interface AppOptions {
  /** Pino logger options, or false for none. */
  logger?: boolean | object;
  /** Close open keep-alive connections on `close()` (tests that restart the app). */
  forceCloseConnections?: boolean;
  /** Called for every route as it is registered (the authorization matrix test lists them). */
  onRoute?: (route: RouteOptions) => void;
}

/** The whole HTTP surface over an already opened store and gateway. */
export async function buildApp(
  context: ServerContext,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: context.settings.bodyLimit,
    // Keep-alive longer than common load balancers' idle timeouts (60 s) to avoid resets.
    keepAliveTimeout: 65_000,
    ...(options.forceCloseConnections && { forceCloseConnections: true }),
  });
  installErrorHandler(app, context.settings.bodyLimit);
  installJsonBodyParser(app);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  // A callback hook, not an async one: Fastify runs it without a promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    const startedAt = performance.now();
    reply.raw.once('close', () => {
      const route = request.routeOptions.url ?? 'unmatched';
      const labels = { method: request.method, route };
      context.metrics.requests.inc({ ...labels, status: String(reply.raw.statusCode) });
      context.metrics.requestDuration.observe(labels, (performance.now() - startedAt) / 1000);
    });
    done();
  });
  healthRoutes(app, context);
  await app.register(async (scope) => v1Routes(scope, context));
  await app.register(async (scope) => apiRoutes(scope, context));
  await app.register(async (scope) => adminRoutes(scope, context));
  await app.register(async (scope) => scimRoutes(scope, context), { prefix: scimPrefix });
  await webUi(app, { root: builtWebRoot });
  return app;
}
