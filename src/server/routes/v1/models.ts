import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';

/** Told to clients (and printed at start) when no model is configured or found. */
export const noModelHint =
  'No model is configured. Pull one with `salon models pull mistral-7b-instruct` (see `salon models catalog`), ' +
  'set SALON_MODEL=/path/to/model.gguf, or add providers and models to salon.yaml.';

/**
 * GET /v1/models: every model name and alias the caller may use (the key's allow-list and the
 * organisation's model access rules), aliases first.
 */
export function modelsRoute(app: FastifyInstance, context: ServerContext): void {
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', async (request) => {
    const routes = context.gateway.listModels();
    const usable = await context.governance.core.allowedModels({ apiKey: request.apiKey }, routes);
    const data = usable.map((route) => ({
      id: route.name,
      object: 'model',
      created,
      owned_by: 'salon',
      ...(route.aliasOf && { alias_of: route.aliasOf }),
    }));
    return { object: 'list', data, ...(routes.length === 0 && { message: noModelHint }) };
  });
}
