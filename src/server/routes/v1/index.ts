import type { FastifyInstance } from 'fastify';
import { verifyApiKey } from '../../../identity/api-keys.js';
import { unauthorized } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';
import { forwardRoute } from './forward-route.js';
import { modelsRoute } from './models.js';

/** The OpenAI-compatible API: every route needs an API key (`Authorization: Bearer sk-salon-…`). */
export async function v1Routes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!key) throw unauthorized('Missing API key: send it as `Authorization: Bearer sk-salon-…`.');
    const record = await verifyApiKey(context.store.db, key);
    if (!record) throw unauthorized('Invalid API key.');
    request.apiKey = record;
  });
  modelsRoute(app, context);
  forwardRoute(app, context, 'chat/completions');
  forwardRoute(app, context, 'completions');
  forwardRoute(app, context, 'embeddings');
}
