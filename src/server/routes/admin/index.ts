// The admin API (/api/admin/…): what the gateway serves and how its targets are doing, and a
// config reload without a restart. For owners and admins: a session cookie from the web UI,
// or an API key that belongs to an owner or admin, or to the instance (made with
// `salon keys create` without --user, i.e. by whoever runs the server).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ProviderConfig } from '../../../config/schema.js';
import { verifyApiKey } from '../../../identity/api-keys.js';
import { badRequest, forbidden, isConfigError, unauthorized } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';
import { reloadGateway } from '../../reload-gateway.js';
import { requireRole, sessionHooks } from '../api/session-hooks.js';
import { adminKeyRoutes } from './keys.js';

/** Registers every /api/admin route on `app` (an encapsulated scope). */
export async function adminRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  await sessionHooks(app, context);
  app.addHook('onRequest', async (request) => authorizeAdmin(request, context));

  app.get('/api/admin/providers', async () => ({
    data: context.gateway.listProviders().map(({ name, config, connected }) => ({
      name,
      source: connected ? 'web' : 'config',
      ...describeProvider(config),
    })),
  }));

  app.get('/api/admin/models', async () => ({
    data: context.gateway.listModels().map((route) => ({
      name: route.name,
      aliasOf: route.aliasOf ?? null,
      balance: route.balance ?? 'latency',
      targets: route.targets.map((target) => ({
        provider: target.provider,
        model: target.model ?? null,
        weight: target.weight ?? 1,
        price: target.price ?? route.price ?? null,
      })),
      fallbacks: route.fallbacks,
    })),
  }));

  app.get('/api/admin/targets', async () => ({ data: context.gateway.health().targets }));

  adminKeyRoutes(app, context);

  app.post('/api/admin/reload', async () => {
    try {
      const summary = await reloadGateway(context.settings, context.gateway, context.governance);
      return { reloaded: true, providers: summary };
    } catch (error) {
      // The file is the admin's input here: a bad one is a 400 naming the key, as at start.
      if (isConfigError(error)) throw badRequest(error.message, null, 'invalid_config');
      throw error;
    }
  });
}

async function authorizeAdmin(request: FastifyRequest, context: ServerContext): Promise<void> {
  const header = request.headers.authorization;
  if (!header) {
    requireRole(request, 'owner', 'admin');
    return;
  }
  const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const record = key ? await verifyApiKey(context.store.db, key) : undefined;
  if (!record) throw unauthorized('Invalid API key.');
  if (record.user && record.user.role !== 'owner' && record.user.role !== 'admin') {
    throw forbidden('The admin API needs an owner or admin key.', 'insufficient_role');
  }
}

/** A provider as the admin sees it: where it points, never its key. */
function describeProvider(config: ProviderConfig): Record<string, unknown> {
  if (config.type === 'llama') {
    return { type: config.type, modelPath: config.model_path };
  }
  return {
    type: config.type,
    baseUrl: config.base_url,
    hasApiKey: Boolean(config.api_key),
    ...(config.type === 'azure-openai' && {
      apiVersion: config.api_version,
      deployments: config.deployments ?? {},
    }),
  };
}
