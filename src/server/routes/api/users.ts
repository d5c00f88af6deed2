// Accounts, managed by owners and admins from the web UI.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { changeUserRole, deleteUser } from '../../../identity/manage-users.js';
import { createUser, findUserById, listUsers } from '../../../identity/users.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { toPublicUser } from './public-user.js';
import { idParam } from './route-input.js';
import { requireRole } from './session-hooks.js';

// An instance has one owner, made by the first-run setup: nobody creates another here.
const newUser = z.object({
  email: z.string().max(1000),
  password: z.string().max(4096),
  role: z.enum(['admin', 'member']),
  displayName: z.string().max(200).optional(),
});

// Only these two: the owner role is never given or taken here.
const roleChange = z.object({ role: z.enum(['admin', 'member']) });

/** /api/users and /api/users/:id (change the role, delete), for owners and admins. */
export function userRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.get('/api/users', async (request) => {
    const actor = requireRole(request, 'owner', 'admin');
    return { users: (await listUsers(db, actor.orgId)).map(toPublicUser) };
  });

  app.post('/api/users', async (request, reply) => {
    const actor = requireRole(request, 'owner', 'admin');
    const user = await createUser(db, { ...parseBody(newUser, request.body), orgId: actor.orgId });
    await audit(request, context, {
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, role: user.role },
    });
    return reply.code(201).send(toPublicUser(user));
  });

  app.patch('/api/users/:id', async (request) => {
    const actor = requireRole(request, 'owner', 'admin');
    const { role } = parseBody(roleChange, request.body);
    const id = idParam(request);
    const before = await findUserById(db, id); // for the audit's `from`; checked by changeUserRole
    const user = await changeUserRole(db, actor, id, role);
    // Model access lets owners and admins through: the cached standings hold the old role.
    await context.governance.core.policies?.invalidate(user.orgId);
    await audit(request, context, {
      action: 'user.role_changed',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, from: before?.role ?? null, to: user.role },
    });
    return toPublicUser(user);
  });

  app.delete('/api/users/:id', async (request, reply) => {
    const actor = requireRole(request, 'owner', 'admin');
    const id = idParam(request);
    const target = await findUserById(db, id); // its email, for the record once it is gone
    await deleteUser(db, actor, id);
    await audit(request, context, {
      action: 'user.deleted',
      targetType: 'user',
      targetId: id,
      details: { email: target?.email ?? null },
    });
    return reply.code(204).send();
  });
}
