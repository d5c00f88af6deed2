// Providers connected from the web UI (owners and admins): listed without their keys, added
// (their models served at once on this replica, within seconds on the others), removed (their
// models gone as fast). A base URL
// reaching a loopback or private address is refused unless security.upstream_allow names it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkUpstreamUrl, enteredAccess } from '../../../gateway/types.js';
import {
  createStoredProvider,
  deleteStoredProvider,
  listStoredProviders,
  type StoredProvider,
} from '../../../gateway/provider-store.js';
import { listUpstreamModels, maxListedModels } from '../../../gateway/types.js';
import { badRequest, notFound, SalonError } from '../../../lib/errors.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { idParam } from './route-input.js';
import { requireInstanceAdminUser } from './session-hooks.js';

// No `/`: a model whose name is taken is served as `provider/model`.
const providerName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Upstream names look like `mistral-small-latest`, `meta-llama/Llama-3.1-8B`, `llama3:8b`.
const modelName = /^[^\s\p{Cc}]{1,200}$/u;

const newProvider = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(
      providerName,
      'use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ),
  baseUrl: z.string().trim().min(1).max(2000),
  apiKey: z.string().trim().max(4096).optional(),
  models: z
    .array(z.string().trim().regex(modelName, 'a model name has no spaces (1 to 200 characters)'))
    .min(1)
    .max(maxListedModels)
    .optional(),
});

/** GET /api/providers, POST /api/providers, DELETE /api/providers/:id (owner/admin). */
export function providerRoutes(app: FastifyInstance, context: ServerContext): void {
  const { gateway, secrets } = context;
  const db = context.store.db;
  const toPublic = (provider: StoredProvider) => ({
    id: provider.id,
    name: provider.name,
    type: provider.type,
    baseUrl: provider.baseUrl,
    models: provider.models,
    hasApiKey: provider.hasApiKey,
    createdAt: provider.createdAt,
    // The model names this server serves for it (none when salon.yaml took its name).
    routes: gateway.addedRoutes(provider.name),
  });

  app.get('/api/providers', async (request) => {
    requireInstanceAdminUser(request);
    return { providers: (await listStoredProviders(db)).map(toPublic) };
  });

  app.post('/api/providers', async (request, reply) => {
    const user = requireInstanceAdminUser(request);
    const input = parseBody(newProvider, request.body);
    const { allowList, resolve } = gateway.upstreams;
    const access = enteredAccess(allowList);
    const problem = await checkUpstreamUrl(input.baseUrl, access, resolve);
    if (problem) throw badRequest(`baseUrl ${problem}.`, 'baseUrl', 'invalid_base_url');
    if (gateway.provider(input.name)) throw nameTaken(input.name);
    const apiKey = input.apiKey || undefined;
    const config = { type: 'openai' as const, base_url: input.baseUrl, api_key: apiKey };
    const models =
      input.models ??
      (await listUpstreamModels(config, { access, resolve })).filter((model) =>
        modelName.test(model),
      );
    if (models.length === 0) throw badRequest('The provider lists no usable model name.', 'models');
    const created = await createStoredProvider(db, secrets, {
      name: input.name,
      baseUrl: input.baseUrl,
      apiKey,
      models,
      createdBy: user.id,
    });
    // Served here now, and by the other replicas within a few seconds (stored-provider-sync.ts).
    await context.providerSync.sync();
    if (
      !gateway.listProviders().some(({ name, connected }) => connected && name === created.name)
    ) {
      await deleteStoredProvider(db, created.id); // a reload gave salon.yaml the name meanwhile
      throw nameTaken(created.name);
    }
    // Providers are the instance's, not one organisation's.
    await audit(request, context, {
      action: 'provider.connected',
      orgId: null,
      targetType: 'provider',
      targetId: created.id,
      details: {
        name: created.name,
        baseUrl: created.baseUrl,
        hasApiKey: created.hasApiKey,
        models: created.models.length,
      },
    });
    return reply.code(201).send(toPublic(created));
  });

  app.delete('/api/providers/:id', async (request, reply) => {
    requireInstanceAdminUser(request);
    const deleted = await deleteStoredProvider(db, idParam(request));
    if (!deleted) throw notFound('No such provider.');
    await context.providerSync.sync();
    await audit(request, context, {
      action: 'provider.removed',
      orgId: null,
      targetType: 'provider',
      targetId: deleted.id,
      details: { name: deleted.name },
    });
    return reply.code(204).send();
  });
}

function nameTaken(name: string): SalonError {
  return new SalonError(
    'conflict',
    `The name '${name}' is taken (by salon.yaml, a model file or another provider).`,
    { status: 409, type: 'invalid_request_error', param: 'name' },
  );
}
