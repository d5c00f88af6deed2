import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { exportConversation } from '../../../chat/export.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { idParam, parseQuery } from './route-input.js';
import { requireUser } from './session-hooks.js';

const exportQuery = z.object({ format: z.enum(['md', 'json']).default('md') });

/** GET /api/conversations/:id/export?format=md|json: the selected branch, as a download. */
export function exportRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/conversations/:id/export', async (request, reply) => {
    const user = requireUser(request);
    const id = idParam(request);
    const { format } = parseQuery(exportQuery, request);
    const file = await exportConversation(context.store.db, user.id, id, format);
    await audit(request, context, {
      action: 'conversation.exported',
      targetType: 'conversation',
      targetId: id,
      details: { format },
    });
    return reply
      .type(file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .send(file.body);
  });
}
