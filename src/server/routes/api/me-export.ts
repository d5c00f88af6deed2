// GET /api/me/export: the signed-in user's GDPR export, one zip archive streamed as it is built
// (chat/personal-data.ts lists what goes in). Audited as `user.data_exported`.
import type { FastifyInstance } from 'fastify';
import { personalDataFiles } from '../../../chat/personal-data.js';
import { zipStream } from '../../../lib/zip-stream.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { requireUser } from './session-hooks.js';

/** Registers GET /api/me/export. */
export function meExportRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/me/export', async (request, reply) => {
    const user = requireUser(request);
    const now = new Date();
    await audit(request, context, {
      action: 'user.data_exported',
      targetType: 'user',
      targetId: user.id,
    });
    const archive = zipStream(personalDataFiles(context.store.db, user, now));
    archive.on('error', (error) =>
      request.log.error({ err: error }, 'personal data export failed'),
    );
    return reply
      .type('application/zip')
      .header(
        'content-disposition',
        `attachment; filename="salon-export-${now.toISOString().slice(0, 10)}.zip"`,
      )
      .header('cache-control', 'no-store')
      .send(archive);
  });
}
