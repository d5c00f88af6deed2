import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { removeFeedback, setFeedback } from '../../../chat/feedback.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

const feedbackBody = z.object({
  rating: z.enum(['up', 'down']),
  comment: z.string().max(5_000).nullable().optional(),
});

/** PUT and DELETE /api/messages/:id/feedback. */
export function feedbackRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.put('/api/messages/:id/feedback', async (request) => {
    const user = requireUser(request);
    const messageId = idParam(request);
    const input = parseBody(feedbackBody, request.body);
    return { feedback: await setFeedback(db, user.id, messageId, input) };
  });

  app.delete('/api/messages/:id/feedback', async (request, reply) => {
    const user = requireUser(request);
    await removeFeedback(db, user.id, idParam(request));
    return reply.code(204).send();
  });
}
