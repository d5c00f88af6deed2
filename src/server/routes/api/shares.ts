import type { FastifyInstance } from 'fastify';
import { createShare, listShares, readShare, revokeShare } from '../../../chat/shares.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

/**
 * POST /api/conversations/:id/share, GET /api/shares (the caller's links), DELETE
 * /api/shares/:id, and the public GET /api/shares/:id.
 */
export function shareRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.post('/api/conversations/:id/share', async (request, reply) => {
    const user = requireUser(request);
    const conversationId = idParam(request);
    const share = await createShare(db, user.id, conversationId);
    // The share's id is its token, which lets anyone read the conversation: never recorded.
    await audit(request, context, {
      action: 'share.created',
      targetType: 'conversation',
      targetId: conversationId,
    });
    return reply.code(201).send(share);
  });

  app.get('/api/shares', async (request) => {
    const user = requireUser(request);
    return { shares: await listShares(db, user.id) };
  });

  app.delete('/api/shares/:id', async (request, reply) => {
    const user = requireUser(request);
    const { conversationId } = await revokeShare(db, user.id, idParam(request));
    await audit(request, context, {
      action: 'share.revoked',
      targetType: 'conversation',
      targetId: conversationId,
    });
    return reply.code(204).send();
  });

  // No sign-in: the token is the permission. Not cached anywhere, so a revoke takes effect at once.
  app.get('/api/shares/:id', async (request, reply) => {
    const shared = await readShare(db, idParam(request));
    reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    return shared;
  });
}
