// GDPR erasure from the admin API: POST /api/admin/users/:id/erase removes an account of the
// caller's organisation and every trace of the person (governance/erase-user.ts), ending their
// replies and sessions at once. The audit event names the erased id only: no address, no content.
import type { FastifyInstance } from 'fastify';
import { stopUserRuns } from '../../../chat/stop-user-runs.js';
import { eraseUser } from '../../../governance/erase-user.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { idParam } from '../api/route-input.js';
import { requireOrgAdmin } from './admin-access.js';

/** Registers POST /api/admin/users/:id/erase (owners and admins of the user's organisation). */
export function adminEraseUserRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/api/admin/users/:id/erase', async (request, reply) => {
    const caller = requireOrgAdmin(request);
    const id = idParam(request);
    await eraseUser(context.store, { id: caller.user?.id ?? null, orgId: caller.orgId }, id, {
      endRuns: async (userId) => {
        const runIds = await stopUserRuns({ db: context.store.db, bus: context.bus }, userId);
        await Promise.all(runIds.map((runId) => context.runs.settled(runId)));
      },
      flushUsage: () => context.governance.core.flushUsage(),
    });
    await audit(request, context, {
      action: 'user.erased',
      orgId: caller.orgId,
      targetType: 'user',
      targetId: id,
    });
    return reply.code(204).send();
  });
}
