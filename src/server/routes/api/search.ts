import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { maxSearchResults, searchConversations } from '../../../chat/search.js';
import type { ServerContext } from '../../context.js';
import { parseQuery } from './route-input.js';
import { requireUser } from './session-hooks.js';

const searchQuery = z.object({
  q: z.string().max(500).default(''),
  limit: z.coerce.number().int().min(1).max(maxSearchResults).default(20),
});

/** GET /api/search: the caller's messages matching `q`, with highlight ranges (never HTML). */
export function searchRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/search', async (request) => {
    const user = requireUser(request);
    const { q, limit } = parseQuery(searchQuery, request);
    return { results: await searchConversations(context.store, user.id, q, limit) };
  });
}
