// /scim/v2/Users: an identity provider creating, changing, deactivating and deleting the
// organisation's accounts. Deactivating (active false, by PUT or PATCH) or deleting ends the
// user's access at once: sessions, cached API keys, and the chat replies they have running.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stopUserRuns } from '../../../chat/stop-user-runs.js';
import { parsePatchRequest } from '../../../identity/scim/patch-request.js';
import {
  createScimUser,
  deleteScimUser,
  getScimUser,
  listScimUsers,
  saveScimUser,
  type ScimUserChange,
} from '../../../identity/scim/scim-users.js';
import { applyUserPatch, readUserResource } from '../../../identity/scim/user-state.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { scimScope } from './scim-auth.js';
import {
  listResponse,
  project,
  readFilter,
  readPage,
  scimBaseUrl,
  toScimUser,
} from './resources.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const changedAttributes = ['userName', 'externalId', 'displayName'] as const;

/** Registers /Users on the /scim/v2 scope. */
export function userRoutes(app: FastifyInstance, context: ServerContext): void {
  const endAccess = (userId: string) =>
    stopUserRuns({ db: context.store.db, bus: context.bus }, userId);
  const record = (request: FastifyRequest, action: string, targetId: string, details: object) =>
    audit(request, context, {
      action,
      orgId: scimScope(request).orgId,
      actorLabel: 'scim',
      targetType: 'user',
      targetId,
      details: { ...details },
    });

  async function recordChange(request: FastifyRequest, change: ScimUserChange) {
    const { record: after, before } = change;
    const id = after.user.id;
    const now = {
      userName: after.user.email,
      externalId: after.externalId,
      displayName: after.user.displayName,
    };
    const changed = changedAttributes.filter((name) => now[name] !== before[name]);
    if (changed.length)
      await record(request, 'scim.user_updated', id, { userName: now.userName, changed });
    if (change.activity)
      await record(request, `scim.user_${change.activity}`, id, { userName: now.userName });
  }

  app.get('/Users', async (request) => {
    const page = readPage(request);
    const found = await listScimUsers(scimScope(request), readFilter(request), page);
    const baseUrl = scimBaseUrl(request);
    const resources = found.records.map((user) => project(request, toScimUser(user, baseUrl)));
    return listResponse(found, page, resources);
  });

  app.get('/Users/:id', async (request: IdRequest) => {
    const user = await getScimUser(scimScope(request), request.params.id);
    return project(request, toScimUser(user, scimBaseUrl(request)));
  });

  app.post('/Users', async (request, reply) => {
    const input = readUserResource(request.body);
    const user = await createScimUser(scimScope(request), input);
    await record(request, 'scim.user_created', user.user.id, {
      userName: user.user.email,
      externalId: user.externalId,
      active: user.user.disabledAt === null,
    });
    const resource = toScimUser(user, scimBaseUrl(request));
    reply.header('location', (resource.meta as { location: string }).location);
    return reply.code(201).send(resource);
  });

  // PUT replaces the attributes Salon keeps; an absent `active` leaves the account as it is.
  app.put('/Users/:id', async (request: IdRequest) => {
    const input = readUserResource(request.body);
    const change = await saveScimUser(
      scimScope(request),
      request.params.id,
      (current) => ({ ...input, active: input.active ?? current.active }),
      endAccess,
    );
    await recordChange(request, change);
    return toScimUser(change.record, scimBaseUrl(request));
  });

  app.patch('/Users/:id', async (request: IdRequest) => {
    const operations = parsePatchRequest(request.body);
    const change = await saveScimUser(
      scimScope(request),
      request.params.id,
      (current) => applyUserPatch(current, operations),
      endAccess,
    );
    await recordChange(request, change);
    return toScimUser(change.record, scimBaseUrl(request));
  });

  app.delete('/Users/:id', async (request: IdRequest, reply) => {
    const deleted = await deleteScimUser(scimScope(request), request.params.id, endAccess);
    await record(request, 'scim.user_deleted', deleted.user.id, { userName: deleted.user.email });
    return reply.code(204).send();
  });
}
