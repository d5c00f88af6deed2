// The organisation itself and its teams and invitations, for the admin console:
// - /api/admin/org: the caller's organisation (name, SSO-only, retention);
// - /api/admin/orgs: every organisation, and a new one with its owner (instance admins);
// - /api/admin/teams…: teams and their members (a team's managers may change its members);
// - /api/admin/invitations…: links that let someone join.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  createInvitation,
  listInvitations,
  revokeInvitation,
} from '../../../identity/invitations.js';
import { createOrg, getOrg, listOrgs, updateOrg } from '../../../identity/orgs.js';
import {
  createTeam,
  deleteTeam,
  getTeam,
  listTeamMembers,
  listTeams,
  managesTeam,
  removeTeamMember,
  setTeamMember,
  updateTeam,
} from '../../../identity/teams.js';
import { createUser } from '../../../identity/users.js';
import { forbidden, notFound } from '../../../lib/errors.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { toPublicUser } from '../api/public-user.js';
import {
  requireAdminCaller,
  requireInstanceAdmin,
  requireOrgAdmin,
  type AdminCaller,
} from './admin-access.js';

const orgChanges = z.strictObject({
  name: z.string().max(1000).optional(),
  ssoOnly: z.boolean().optional(),
  retentionDays: z.number().nullable().optional(),
});
const newOrg = z.strictObject({
  name: z.string().max(1000),
  ownerEmail: z.string().max(1000),
  ownerPassword: z.string().max(4096).optional(),
});
const teamBody = z.strictObject({ name: z.string().max(1000) });
const memberBody = z.strictObject({ role: z.enum(['manager', 'member']).default('member') });
const invitationBody = z.strictObject({
  email: z.string().max(1000).nullable().optional(),
  role: z.enum(['admin', 'member']).default('member'),
  teamId: z.string().max(200).nullable().optional(),
  ttlHours: z.number().optional(),
});
const idParams = z.object({ id: z.string().min(1).max(200) });
const memberParams = idParams.extend({ userId: z.string().min(1).max(200) });

/** An org admin, or the manager of team `teamId`; 404 for a team of another organisation. */
async function requireTeamManager(request: FastifyRequest, teamId: string): Promise<AdminCaller> {
  const caller = requireAdminCaller(request);
  await getTeam(caller.scope, teamId);
  if (caller.role === 'owner' || caller.role === 'admin') return caller;
  if (caller.user && (await managesTeam(caller.scope, teamId, caller.user.id))) return caller;
  throw forbidden(
    "Only the organisation's admins and the team's managers can do this.",
    'insufficient_role',
  );
}

/** Registers the organisation, team and invitation routes of the admin API. */
export function adminOrgRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.get('/api/admin/org', async (request) => getOrg(db, requireOrgAdmin(request).orgId));

  app.patch('/api/admin/org', async (request) => {
    const caller = requireOrgAdmin(request);
    const changes = parseBody(orgChanges, request.body);
    const org = await updateOrg(db, caller.orgId, changes);
    await audit(request, context, {
      orgId: caller.orgId,
      action: 'org.updated',
      targetType: 'org',
      targetId: caller.orgId,
      details: { changes },
    });
    return org;
  });

  app.get('/api/admin/orgs', async (request) => {
    requireInstanceAdmin(request);
    return { data: await listOrgs(db) };
  });

  app.post('/api/admin/orgs', async (request, reply) => {
    requireInstanceAdmin(request);
    const body = parseBody(newOrg, request.body);
    const { org, owner } = await db.transaction().execute(async (trx) => {
      const org = await createOrg(trx, { name: body.name });
      const owner = await createUser(trx, {
        email: body.ownerEmail,
        password: body.ownerPassword,
        role: 'owner',
        orgId: org.id,
      });
      return { org, owner };
    });
    await audit(request, context, {
      action: 'org.created',
      targetType: 'org',
      targetId: org.id,
      details: { name: org.name, ownerId: owner.id },
    });
    return reply.code(201).send({ org, owner: toPublicUser(owner) });
  });

  app.get('/api/admin/teams', async (request) => {
    const caller = requireOrgAdmin(request);
    return { data: await listTeams(caller.scope) };
  });

  app.post('/api/admin/teams', async (request, reply) => {
    const caller = requireOrgAdmin(request);
    const team = await createTeam(caller.scope, parseBody(teamBody, request.body));
    await audit(request, context, {
      action: 'team.created',
      targetType: 'team',
      targetId: team.id,
      details: { name: team.name },
    });
    return reply.code(201).send(team);
  });

  app.patch('/api/admin/teams/:id', async (request) => {
    const caller = requireOrgAdmin(request);
    const { id } = parseBody(idParams, request.params);
    const team = await updateTeam(caller.scope, id, parseBody(teamBody, request.body));
    await context.governance.core.policies?.invalidate(caller.scope.orgId);
    await audit(request, context, {
      action: 'team.renamed',
      targetType: 'team',
      targetId: id,
      details: { name: team.name },
    });
    return team;
  });

  app.delete('/api/admin/teams/:id', async (request, reply) => {
    const caller = requireOrgAdmin(request);
    const { id } = parseBody(idParams, request.params);
    const team = await getTeam(caller.scope, id);
    await deleteTeam(caller.scope, id);
    // Quotas and model access follow teams: apply the change on every replica (docs/quotas.md).
    await context.governance.core.policies?.invalidate(caller.scope.orgId);
    await audit(request, context, {
      action: 'team.deleted',
      targetType: 'team',
      targetId: id,
      details: { name: team.name },
    });
    return reply.code(204).send();
  });

  app.get('/api/admin/teams/:id/members', async (request) => {
    const { id } = parseBody(idParams, request.params);
    const caller = await requireTeamManager(request, id);
    return { data: await listTeamMembers(caller.scope, id) };
  });

  app.put('/api/admin/teams/:id/members/:userId', async (request) => {
    const { id, userId } = parseBody(memberParams, request.params);
    const caller = await requireTeamManager(request, id);
    const { role } = parseBody(memberBody, request.body ?? {});
    // Managers add members; making someone a manager is the organisation admins' call.
    if (role === 'manager' && caller.role === 'member') {
      throw forbidden('Only admins can make someone a team manager.', 'insufficient_role');
    }
    await setTeamMember(caller.scope, id, userId, role);
    // Quotas and model access follow teams: apply the change on every replica (docs/quotas.md).
    await context.governance.core.policies?.invalidate(caller.scope.orgId);
    await audit(request, context, {
      action: 'team.member_set',
      targetType: 'team',
      targetId: id,
      details: { userId, role },
    });
    return { data: await listTeamMembers(caller.scope, id) };
  });

  app.delete('/api/admin/teams/:id/members/:userId', async (request, reply) => {
    const { id, userId } = parseBody(memberParams, request.params);
    const caller = await requireTeamManager(request, id);
    if (!(await removeTeamMember(caller.scope, id, userId))) {
      throw notFound('That user is not in this team.', 'member_not_found');
    }
    // Quotas and model access follow teams: apply the change on every replica (docs/quotas.md).
    await context.governance.core.policies?.invalidate(caller.scope.orgId);
    await audit(request, context, {
      action: 'team.member_removed',
      targetType: 'team',
      targetId: id,
      details: { userId },
    });
    return reply.code(204).send();
  });

  app.get('/api/admin/invitations', async (request) => {
    const caller = requireOrgAdmin(request);
    return { data: await listInvitations(caller.scope) };
  });

  app.post('/api/admin/invitations', async (request, reply) => {
    const caller = requireOrgAdmin(request);
    const body = parseBody(invitationBody, request.body);
    const { token, invitation } = await createInvitation(caller.scope, {
      ...body,
      createdBy: caller.user?.id ?? null,
    });
    await audit(request, context, {
      action: 'invitation.created',
      targetType: 'invitation',
      targetId: invitation.id,
      details: { role: invitation.role, teamId: invitation.teamId, email: invitation.email },
    });
    // The link is shown this once; only the token's hash is kept.
    return reply.code(201).send({ token, path: `/invite/${token}`, invitation });
  });

  app.delete('/api/admin/invitations/:id', async (request) => {
    const caller = requireOrgAdmin(request);
    const { id } = parseBody(idParams, request.params);
    const invitation = await revokeInvitation(caller.scope, id);
    await audit(request, context, {
      action: 'invitation.revoked',
      targetType: 'invitation',
      targetId: id,
    });
    return invitation;
  });
}
