// Which teams may use which models, from the admin API (docs/quotas.md): every model the gateway
// serves with the teams it is open to (none: open to the whole organisation), and setting one
// model's teams. The organisation's owners and admins act on their own organisation only; a team
// of another organisation is a 404. Each change is audited and applies in this process at once.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readModelAccess, setModelAccess } from '../../../governance/model-access.js';
import { modelNotFound } from '../../../lib/errors.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { requireOrgAdmin } from './admin-access.js';

const accessBody = z.strictObject({ teamIds: z.array(z.string().min(1).max(200)).max(1_000) });
const modelParams = z.object({ model: z.string().min(1).max(200) });

/** Registers /api/admin/model-access. */
export function adminModelAccessRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/model-access', async (request) => {
    const { scope } = requireOrgAdmin(request);
    const access = await readModelAccess(scope);
    const served = context.gateway.listModels();
    const names = new Set(served.map((route) => route.name));
    const data = [
      ...served.map((route) => ({
        model: route.name,
        aliasOf: route.aliasOf ?? null,
        served: true,
        teamIds: access.get(route.name) ?? [],
      })),
      // Rules left for models the gateway no longer serves, so that they can be cleared.
      ...[...access]
        .filter(([model]) => !names.has(model))
        .map(([model, teamIds]) => ({ model, aliasOf: null, served: false, teamIds })),
    ];
    return { data };
  });

  // The model name is the rest of the path: names such as `provider/model` hold slashes.
  app.put('/api/admin/model-access/*', async (request) => {
    const { scope } = requireOrgAdmin(request);
    const { model } = parseBody(modelParams, { model: (request.params as { '*': string })['*'] });
    const { teamIds } = parseBody(accessBody, request.body);
    const served = context.gateway.listModels().find((route) => route.name === model);
    // Clearing the rules of a model no longer served is allowed; restricting one is not.
    if (!served && teamIds.length > 0) throw modelNotFound(model);
    const saved = await setModelAccess(scope, model, teamIds);
    await context.governance.core.policies?.invalidate(scope.orgId);
    await audit(request, context, {
      orgId: scope.orgId,
      action: 'model_access.updated',
      targetType: 'model',
      targetId: model,
      details: { teamIds: saved },
    });
    return { model, aliasOf: served?.aliasOf ?? null, served: Boolean(served), teamIds: saved };
  });
}
