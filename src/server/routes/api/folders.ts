import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createFolder, deleteFolder, listFolders, renameFolder } from '../../../chat/folders.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

const folderBody = z.object({ name: z.string().trim().min(1).max(100) });

/** GET/POST /api/folders, PATCH/DELETE /api/folders/:id. */
export function folderRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.get('/api/folders', async (request) => {
    const user = requireUser(request);
    return { folders: await listFolders(db, user.id) };
  });

  app.post('/api/folders', async (request, reply) => {
    const user = requireUser(request);
    const { name } = parseBody(folderBody, request.body);
    return reply.code(201).send(await createFolder(db, user.id, name));
  });

  app.patch('/api/folders/:id', async (request) => {
    const user = requireUser(request);
    const id = idParam(request);
    const { name } = parseBody(folderBody, request.body);
    return renameFolder(db, user.id, id, name);
  });

  app.delete('/api/folders/:id', async (request, reply) => {
    const user = requireUser(request);
    await deleteFolder(db, user.id, idParam(request));
    return reply.code(204).send();
  });
}
