// The organisation's SCIM token, from the admin console: an owner or admin makes one (shown once;
// a new one replaces the old at once) to paste into Okta, Entra ID or OneLogin, or revokes it to
// turn SCIM off. Only the token's hash is stored, and neither the log nor the audit sees it.
import type { FastifyInstance } from 'fastify';
import { createScimToken, revokeScimToken } from '../../../identity/scim-token.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { scimPrefix } from '../scim/index.js';
import { requireOrgAdmin } from './admin-access.js';

/** Registers POST and DELETE /api/admin/scim-token. */
export function adminScimTokenRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.post('/api/admin/scim-token', async (request, reply) => {
    const { orgId } = requireOrgAdmin(request);
    const token = await createScimToken(db, orgId);
    await audit(request, context, {
      action: 'scim.token_created',
      orgId,
      targetType: 'org',
      targetId: orgId,
    });
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({
      token,
      baseUrl: `${request.protocol}://${request.host}${scimPrefix}`,
    });
  });

  app.delete('/api/admin/scim-token', async (request, reply) => {
    const { orgId } = requireOrgAdmin(request);
    if (await revokeScimToken(db, orgId)) {
      await audit(request, context, {
        action: 'scim.token_revoked',
        orgId,
        targetType: 'org',
        targetId: orgId,
      });
    }
    return reply.code(204).send();
  });
}
