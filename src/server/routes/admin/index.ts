// The admin API (/api/admin/…). Callers are authenticated here once; each route then asks for the
// level it needs (admin-access.ts). This file holds the instance's own routes: what the gateway
// serves, how its targets are doing, and a config reload without a restart.
import type { FastifyInstance } from 'fastify';
import type { ProviderConfig } from '../../../config/schema.js';
import { badRequest, isConfigError } from '../../../lib/errors.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { reloadGateway } from '../../reload-gateway.js';
import { sessionHooks } from '../api/session-hooks.js';
import { authenticateAdminCaller, requireInstanceAdmin, requireOrgAdmin } from './admin-access.js';
import { adminAuditRoutes } from './audit.js';
import { adminEraseUserRoutes } from './erase-user.js';
import { adminKeyRoutes } from './keys.js';
import { adminModelAccessRoutes } from './model-access.js';
import { adminQuotaRoutes } from './quotas.js';
import { adminScimTokenRoutes } from './scim-token.js';
import { adminOrgRoutes } from './org.js';
import { adminSsoRoutes } from './sso.js';
import { adminUsageRoutes } from './usage.js';

/** Registers every /api/admin route on `app` (an encapsulated scope). */
export async function adminRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  await sessionHooks(app, context);
  app.addHook('onRequest', async (request) => authenticateAdminCaller(request, context));

  app.get('/api/admin/providers', async (request) => {
    requireInstanceAdmin(request);
    const data = context.gateway.listProviders().map(({ name, config, connected }) => ({
      name,
      source: connected ? 'web' : 'config',
      ...describeProvider(config),
    }));
    return { data };
  });

  // Every organisation's admins see the models, to decide which teams may use which.
  app.get('/api/admin/models', async (request) => {
    requireOrgAdmin(request);
    const data = context.gateway.listModels().map((route) => ({
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
    }));
    return { data };
  });

  app.get('/api/admin/targets', async (request) => {
    requireInstanceAdmin(request);
    return { data: context.gateway.health().targets };
  });

  adminKeyRoutes(app, context);
  adminEraseUserRoutes(app, context);
  adminQuotaRoutes(app, context);
  adminModelAccessRoutes(app, context);
  adminAuditRoutes(app, context);
  adminScimTokenRoutes(app, context);
  adminOrgRoutes(app, context);
  adminSsoRoutes(app, context);
  adminUsageRoutes(app, context);

  app.post('/api/admin/reload', async (request) => {
    requireInstanceAdmin(request);
    try {
      const summary = await reloadGateway(context.settings, context.gateway, context.governance);
      await audit(request, context, {
        action: 'gateway.reloaded',
        orgId: null,
        details: { ...summary },
      });
      return { reloaded: true, providers: summary };
    } catch (error) {
      // The file is the admin's input here: a bad one is a 400 naming the key, as at start.
      if (isConfigError(error)) throw badRequest(error.message, null, 'invalid_config');
      throw error;
    }
  });
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
