// Conversations: list, create, read (with every message of the tree), change, delete.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  createConversation,
  deleteConversation,
  getConversation,
  updateConversation,
} from '../../../chat/conversations.js';
import { loadConversationTail } from '../../../chat/conversation-tail.js';
import { listConversations } from '../../../chat/list-conversations.js';
import { listMessages } from '../../../chat/messages.js';
import { chooseModel } from '../../../chat/models.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { idParam, parseQuery } from './route-input.js';
import { requireUser } from './session-hooks.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
  archived: z.enum(['0', '1', 'false', 'true']).default('0'),
  folderId: z.string().min(1).max(200).optional(),
});

const readQuery = z.object({ tail: z.coerce.number().int().min(1).max(200).optional() });

const fields = {
  title: z.string().max(200),
  model: z.string().min(1).max(200).nullable(),
  systemPrompt: z.string().max(20_000).nullable(),
  folderId: z.string().min(1).max(200).nullable(),
};

// `temporary`: kept out of the list and search, deleted by the retention job once idle.
const newConversation = z.object({ ...fields, temporary: z.boolean() }).partial();

const changes = z
  .object({
    ...fields,
    pinned: z.boolean(),
    archived: z.boolean(),
    selectedLeafId: z.string().min(1).max(200).nullable(),
  })
  .partial();

/** /api/conversations and /api/conversations/:id. */
export function conversationRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;
  const checkModel = (model: string | null | undefined) => {
    if (model) chooseModel(context.gateway, model, null);
  };

  app.get('/api/conversations', async (request) => {
    const user = requireUser(request);
    const query = parseQuery(listQuery, request);
    return listConversations(db, user.id, {
      limit: query.limit,
      cursor: query.cursor,
      archived: query.archived === '1' || query.archived === 'true',
      folderId: query.folderId,
    });
  });

  app.post('/api/conversations', async (request, reply) => {
    const user = requireUser(request);
    const input = parseBody(newConversation, request.body ?? {});
    checkModel(input.model);
    return reply.code(201).send(await createConversation(db, user.id, input));
  });

  app.get('/api/conversations/:id', async (request) => {
    const user = requireUser(request);
    const id = idParam(request);
    const { tail } = parseQuery(readQuery, request);
    const conversation = await getConversation(db, user.id, id);
    if (tail !== undefined) {
      return { conversation, ...(await loadConversationTail(db, conversation, tail)) };
    }
    return { conversation, messages: await listMessages(db, conversation.id) };
  });

  app.patch('/api/conversations/:id', async (request) => {
    const user = requireUser(request);
    const id = idParam(request);
    const input = parseBody(changes, request.body);
    checkModel(input.model);
    return updateConversation(db, user.id, id, input);
  });

  app.delete('/api/conversations/:id', async (request, reply) => {
    const user = requireUser(request);
    const id = idParam(request);
    await deleteConversation(db, user.id, id);
    await audit(request, context, {
      action: 'conversation.deleted',
      targetType: 'conversation',
      targetId: id,
    });
    return reply.code(204).send();
  });
}
