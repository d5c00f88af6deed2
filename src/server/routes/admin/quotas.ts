// Quotas from the admin API (docs/quotas.md): list them with what each subject used in the
// current period, set one (an upsert per scope and subject), delete one. The organisation's
// owners and admins act on their own organisation only: a subject or quota id of another
// organisation is a 404. Each change is audited and applies in this process at once (other
// replicas within the policy cache's few seconds).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { quotaUsage } from '../../../governance/quota-usage.js';
import { deleteQuota, listQuotas, upsertQuota, type Quota } from '../../../governance/quotas.js';
import type { OrgScope } from '../../../identity/org-scope.js';
import { badRequest } from '../../../lib/errors.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { idParam } from '../api/route-input.js';
import { requireOrgAdmin } from './admin-access.js';

// The largest value an `integer` column holds on PostgreSQL.
const count = z.number().int().positive().max(2_147_483_647).nullable().optional();

const quotaBody = z.strictObject({
  scope: z.enum(['org', 'team', 'user']),
  /** The team's or user's id; the organisation's own id (or nothing) for scope `org`. */
  subjectId: z.string().min(1).max(200).optional(),
  rpm: count,
  tpm: count,
  budgetTokens: count,
  budgetUsd: z.number().positive().max(1e12).nullable().optional(),
  budgetPeriod: z.enum(['day', 'month']).nullable().optional(),
});

/** Registers /api/admin/quotas. */
export function adminQuotaRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;
  const describe = async (scope: OrgScope, quota: Quota, names: Map<string, string>) => ({
    ...quota,
    subjectName: names.get(quota.subjectId) ?? null,
    usage: await quotaUsage(db, scope.orgId, quota),
  });

  app.get('/api/admin/quotas', async (request) => {
    const { scope } = requireOrgAdmin(request);
    const quotas = await listQuotas(scope);
    const names = await subjectNames(scope);
    return { data: await Promise.all(quotas.map((quota) => describe(scope, quota, names))) };
  });

  app.put('/api/admin/quotas', async (request) => {
    const { scope } = requireOrgAdmin(request);
    const body = parseBody(quotaBody, request.body);
    const subjectId = body.subjectId ?? (body.scope === 'org' ? scope.orgId : undefined);
    if (!subjectId)
      throw badRequest(`subjectId is required for a ${body.scope} quota.`, 'subjectId');
    const quota = await upsertQuota(scope, { ...body, subjectId });
    await context.governance.core.policies?.invalidate(scope.orgId);
    await audit(request, context, {
      orgId: scope.orgId,
      action: 'quota.updated',
      targetType: 'quota',
      targetId: quota.id,
      details: limitsOf(quota),
    });
    return describe(scope, quota, await subjectNames(scope));
  });

  app.delete('/api/admin/quotas/:id', async (request, reply) => {
    const { scope } = requireOrgAdmin(request);
    const quota = await deleteQuota(scope, idParam(request));
    await context.governance.core.policies?.invalidate(scope.orgId);
    await audit(request, context, {
      orgId: scope.orgId,
      action: 'quota.deleted',
      targetType: 'quota',
      targetId: quota.id,
      details: limitsOf(quota),
    });
    return reply.code(204).send();
  });
}

function limitsOf(quota: Quota) {
  const { scope, subjectId, rpm, tpm, budgetTokens, budgetUsd, budgetPeriod } = quota;
  return { scope, subjectId, rpm, tpm, budgetTokens, budgetUsd, budgetPeriod };
}

// Names shown beside each subject: the organisation's, its teams' and its users' (emails).
async function subjectNames(scope: OrgScope): Promise<Map<string, string>> {
  const [org, teams, users] = await Promise.all([
    scope.db.selectFrom('orgs').select(['id', 'name']).where('id', '=', scope.orgId).execute(),
    scope.selectFrom('teams').select(['id', 'name']).execute(),
    scope.selectFrom('users').select(['id', 'email as name']).execute(),
  ]);
  return new Map([...org, ...teams, ...users].map((row) => [row.id, row.name]));
}
