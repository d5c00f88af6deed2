// Virtual keys from the admin API: create one with its allowed models, rates, budget and
// expiry (the key is shown once), list them with this month's usage, revoke one.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { usageSummary } from '../../../governance/usage-summary.js';
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKey,
} from '../../../identity/api-keys.js';
import { findUserById } from '../../../identity/users.js';
import { badRequest, notFound } from '../../../lib/errors.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { requireOrgAdmin } from './admin-access.js';

const createKeyBody = z.strictObject({
  name: z.string(),
  userId: z.string().optional(),
  /** ISO 8601 date-time. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  models: z.array(z.string()).optional(),
  rpm: z.number().optional(),
  tpm: z.number().optional(),
  budgetTokens: z.number().optional(),
  budgetUsd: z.number().optional(),
  budgetPeriod: z.enum(['day', 'month']).optional(),
});

/** Registers /api/admin/keys. */
export function adminKeyRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  // Each organisation's admins see and manage its keys; the instance's admins see every key.
  app.get('/api/admin/keys', async (request) => {
    const caller = requireOrgAdmin(request);
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const keys = await listApiKeys(db, caller.instanceAdmin ? {} : { orgId: caller.orgId });
    const data = await Promise.all(
      keys.map(async (key) => ({
        ...key,
        usageThisMonth: await usageSummary(db, { apiKeyId: key.id, since: monthStart }),
      })),
    );
    return { data };
  });

  app.post('/api/admin/keys', async (request, reply) => {
    const caller = requireOrgAdmin(request);
    const { name, userId, expiresAt, ...limits } = parseBody(createKeyBody, request.body);
    // A key for a user of another organisation is refused as if the user did not exist.
    const owner = userId ? await findUserById(db, userId) : undefined;
    if (userId && owner?.orgId !== caller.orgId && !caller.instanceAdmin) {
      throw badRequest(`No user has the id ${userId}.`, 'userId', 'user_not_found');
    }
    const { key, record } = await createApiKey(db, {
      name,
      userId,
      orgId: caller.instanceAdmin && !userId ? undefined : caller.orgId,
      expiresAt: expiresAt ? new Date(expiresAt) : undefined,
      limits,
    });
    await audit(request, context, keyAudit('key.created', record));
    reply.status(201);
    return { key, record };
  });

  app.delete<{ Params: { id: string } }>('/api/admin/keys/:id', async (request) => {
    const caller = requireOrgAdmin(request);
    const scope = caller.instanceAdmin ? {} : { orgId: caller.orgId };
    const revoked: ApiKey | undefined = await revokeApiKey(db, request.params.id, scope);
    if (!revoked) throw notFound('No API key has this id.', 'key_not_found');
    await audit(request, context, keyAudit('key.revoked', revoked));
    return revoked;
  });
}

/** A key's audit event, in the key's own organisation (none for an instance key). */
function keyAudit(action: 'key.created' | 'key.revoked', key: ApiKey) {
  return {
    action,
    orgId: key.orgId,
    targetType: 'api_key',
    targetId: key.id,
    details: { name: key.name, userId: key.userId },
  };
}
