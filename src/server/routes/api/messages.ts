// Posting a message, editing one and regenerating a reply: each stores the new messages in one
// transaction, starts the reply's run off the request, and answers at once with the run id.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ChatDeps } from '../../../chat/chat-deps.js';
import { editMessage } from '../../../chat/edit-message.js';
import { postMessage } from '../../../chat/post-message.js';
import { regenerate } from '../../../chat/regenerate.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

const content = z.string().max(200_000);
const model = z.string().min(1).max(200).optional();

const newMessage = z.object({
  content,
  parentId: z.string().min(1).max(200).nullable().default(null),
  model,
});
const edit = z.object({ content, model });
const regeneration = z.object({ model });

/** POST /api/conversations/:id/messages, /api/messages/:id/edit, /api/messages/:id/regenerate. */
export function messageRoutes(app: FastifyInstance, context: ServerContext): void {
  const deps: ChatDeps = {
    db: context.store.db,
    gateway: context.gateway,
    governance: context.governance.core,
    runs: context.runs,
  };

  app.post('/api/conversations/:id/messages', async (request, reply) => {
    const user = requireUser(request);
    const conversationId = idParam(request);
    const input = parseBody(newMessage, request.body);
    const turn = await postMessage(deps, { userId: user.id, conversationId, ...input });
    return reply.code(201).send(turn);
  });

  app.post('/api/messages/:id/edit', async (request, reply) => {
    const user = requireUser(request);
    const messageId = idParam(request);
    const input = parseBody(edit, request.body);
    return reply.code(201).send(await editMessage(deps, { userId: user.id, messageId, ...input }));
  });

  app.post('/api/messages/:id/regenerate', async (request, reply) => {
    const user = requireUser(request);
    const messageId = idParam(request);
    const input = parseBody(regeneration, request.body ?? {});
    return reply.code(201).send(await regenerate(deps, { userId: user.id, messageId, ...input }));
  });
}
