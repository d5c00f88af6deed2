// /scim/v2/Groups: an identity provider keeping the organisation's teams and their members in
// step with its groups.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applyGroupPatch, readGroupResource } from '../../../identity/scim/group-state.js';
import { parsePatchRequest } from '../../../identity/scim/patch-request.js';
import {
  createScimGroup,
  deleteScimGroup,
  getScimGroup,
  listScimGroups,
  saveScimGroup,
  type ScimGroupChange,
} from '../../../identity/scim/scim-groups.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import {
  listResponse,
  project,
  readFilter,
  readPage,
  scimBaseUrl,
  toScimGroup,
} from './resources.js';
import { scimScope } from './scim-auth.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** Registers /Groups on the /scim/v2 scope. */
export function groupRoutes(app: FastifyInstance, context: ServerContext): void {
  const record = (request: FastifyRequest, action: string, targetId: string, details: object) =>
    audit(request, context, {
      action,
      orgId: scimScope(request).orgId,
      actorLabel: 'scim',
      targetType: 'team',
      targetId,
      details: { ...details },
    });

  // Quotas and model access follow teams: every replica reads the organisation's again.
  const teamsChanged = (request: FastifyRequest) =>
    context.governance.core.policies?.invalidate(scimScope(request).orgId);

  async function recordChange(request: FastifyRequest, change: ScimGroupChange) {
    const { team } = change.record;
    const renamedFrom = change.before.displayName;
    const renamed = team.name !== renamedFrom;
    if (!renamed && change.added.length === 0 && change.removed.length === 0) return;
    await record(request, 'scim.group_updated', team.id, {
      displayName: team.name,
      ...(renamed && { renamedFrom }),
      added: change.added,
      removed: change.removed,
    });
  }

  app.get('/Groups', async (request) => {
    const page = readPage(request);
    const found = await listScimGroups(scimScope(request), readFilter(request), page);
    const baseUrl = scimBaseUrl(request);
    const resources = found.records.map((group) => project(request, toScimGroup(group, baseUrl)));
    return listResponse(found, page, resources);
  });

  app.get('/Groups/:id', async (request: IdRequest) => {
    const group = await getScimGroup(scimScope(request), request.params.id);
    return project(request, toScimGroup(group, scimBaseUrl(request)));
  });

  app.post('/Groups', async (request, reply) => {
    const group = await createScimGroup(scimScope(request), readGroupResource(request.body));
    await teamsChanged(request);
    await record(request, 'scim.group_created', group.team.id, {
      displayName: group.team.name,
      externalId: group.team.externalId,
      members: group.members.map((member) => member.id),
    });
    const resource = toScimGroup(group, scimBaseUrl(request));
    reply.header('location', (resource.meta as { location: string }).location);
    return reply.code(201).send(resource);
  });

  app.put('/Groups/:id', async (request: IdRequest) => {
    const input = readGroupResource(request.body);
    const change = await saveScimGroup(scimScope(request), request.params.id, () => input);
    await teamsChanged(request);
    await recordChange(request, change);
    return toScimGroup(change.record, scimBaseUrl(request));
  });

  app.patch('/Groups/:id', async (request: IdRequest, reply) => {
    const operations = parsePatchRequest(request.body);
    const change = await saveScimGroup(scimScope(request), request.params.id, (current) =>
      applyGroupPatch(current, operations),
    );
    await teamsChanged(request);
    await recordChange(request, change);
    // Entra ID and Okta accept 204 here; a body only when asked for attributes.
    const query = request.query as { attributes?: string } | undefined;
    if (!query?.attributes) return reply.code(204).send();
    return project(request, toScimGroup(change.record, scimBaseUrl(request)));
  });

  app.delete('/Groups/:id', async (request: IdRequest, reply) => {
    const deleted = await deleteScimGroup(scimScope(request), request.params.id);
    await teamsChanged(request);
    await record(request, 'scim.group_deleted', deleted.team.id, {
      displayName: deleted.team.name,
    });
    return reply.code(204).send();
  });
}
