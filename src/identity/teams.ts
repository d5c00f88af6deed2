// Teams inside an organisation, and who is in them. Every query goes through the organisation's
// OrgScope, so a team or user id from another organisation reads as missing (404).
import type { Selectable } from 'kysely';
import { badRequest, notFound, SalonError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { toTimestamp, type TeamRole, type TeamsTable } from '../store/database.js';
import type { OrgScope } from './org-scope.js';

export type { TeamRole } from '../store/database.js';

/** A team as the admin console shows it. */
export interface Team {
  id: string;
  name: string;
  /** The identity provider's id for the group this team mirrors (SCIM). */
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A team with how many people are in it. */
export interface TeamSummary extends Team {
  memberCount: number;
}

/** One person in a team. */
export interface TeamMember {
  userId: string;
  email: string;
  displayName: string | null;
  role: TeamRole;
  joinedAt: string;
}

/** Maps a `teams` row to its record. */
export function toTeam(row: Selectable<TeamsTable>): Team {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 200) {
    throw badRequest('The team name must be 1 to 200 characters long.', 'name', 'invalid_name');
  }
  return trimmed;
}

const nameTaken = (name: string) =>
  new SalonError('conflict', `A team named '${name}' already exists.`, {
    status: 409,
    type: 'invalid_request_error',
    param: 'name',
  });

async function nameInUse(scope: OrgScope, name: string, exceptId?: string): Promise<boolean> {
  let query = scope.selectFrom('teams').select('id').where('name', '=', name);
  if (exceptId) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Every team of the organisation with its member count, by name. */
export async function listTeams(scope: OrgScope): Promise<TeamSummary[]> {
  const rows = await scope.selectFrom('teams').selectAll().orderBy('name').execute();
  const counts = await scope
    .teamMembers()
    .select(['team_members.team_id', (eb) => eb.fn.countAll().as('count')])
    .groupBy('team_members.team_id')
    .execute();
  const byTeam = new Map(counts.map((row) => [row.team_id, Number(row.count)]));
  return rows.map((row) => ({ ...toTeam(row), memberCount: byTeam.get(row.id) ?? 0 }));
}

/** The team with this id in the organisation; 404 otherwise. */
export async function getTeam(scope: OrgScope, id: string): Promise<Team> {
  const row = await scope.selectFrom('teams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`No team with id '${id}'.`, 'team_not_found');
  return toTeam(row);
}

/** The team with this name, if any. */
export async function findTeamByName(scope: OrgScope, name: string): Promise<Team | undefined> {
  const row = await scope
    .selectFrom('teams')
    .selectAll()
    .where('name', '=', name.trim())
    .executeTakeFirst();
  return row && toTeam(row);
}

/** Creates a team; 400 on a bad name, 409 when the organisation has one by that name. */
export async function createTeam(
  scope: OrgScope,
  input: { name: string; externalId?: string | null },
): Promise<Team> {
  const name = checkName(input.name);
  if (await nameInUse(scope, name)) throw nameTaken(name);
  const now = toTimestamp();
  const row = {
    id: newId('team'),
    name,
    external_id: input.externalId ?? null,
    created_at: now,
    updated_at: now,
  };
  // The unique (org_id, name) constraint settles a race the check above lost.
  await scope
    .insertInto('teams', [row])
    .execute()
    .catch((error: unknown) => {
      if (/unique|duplicate/i.test(String(error))) throw nameTaken(name);
      throw error;
    });
  return toTeam({ ...row, org_id: scope.orgId });
}

/** Renames a team (and/or sets its external id). */
export async function updateTeam(
  scope: OrgScope,
  id: string,
  changes: { name?: string; externalId?: string | null },
): Promise<Team> {
  await getTeam(scope, id);
  const set: { name?: string; external_id?: string | null; updated_at: string } = {
    updated_at: toTimestamp(),
  };
  if (changes.name !== undefined) {
    set.name = checkName(changes.name);
    if (await nameInUse(scope, set.name, id)) throw nameTaken(set.name);
  }
  if (changes.externalId !== undefined) set.external_id = changes.externalId;
  await scope.updateTable('teams').set(set).where('id', '=', id).execute();
  return getTeam(scope, id);
}

/** Deletes a team; its memberships, model grants and quota go with it. */
export async function deleteTeam(scope: OrgScope, id: string): Promise<void> {
  await getTeam(scope, id);
  await scope
    .deleteFrom('quotas')
    .where('scope', '=', 'team')
    .where('subject_id', '=', id)
    .execute();
  await scope.deleteFrom('teams').where('id', '=', id).execute();
}

/** The people in a team, managers first. */
export async function listTeamMembers(scope: OrgScope, teamId: string): Promise<TeamMember[]> {
  await getTeam(scope, teamId);
  const rows = await scope
    .teamMembers()
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select([
      'team_members.user_id',
      'team_members.role',
      'team_members.created_at',
      'users.email',
      'users.display_name',
    ])
    .where('team_members.team_id', '=', teamId)
    .orderBy('team_members.role')
    .orderBy('users.email')
    .execute();
  return rows.map((row) => ({
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    joinedAt: row.created_at,
  }));
}

/** Adds a user of the organisation to a team, or changes their role in it. */
export async function setTeamMember(
  scope: OrgScope,
  teamId: string,
  userId: string,
  role: TeamRole,
): Promise<void> {
  await getTeam(scope, teamId);
  if (!(await scope.upsertTeamMember(teamId, userId, role))) {
    throw notFound(`No user with id '${userId}'.`, 'user_not_found');
  }
}

/** Takes a user out of a team; false when they were not in it. */
export async function removeTeamMember(
  scope: OrgScope,
  teamId: string,
  userId: string,
): Promise<boolean> {
  await getTeam(scope, teamId);
  const result = await scope.deleteTeamMembers({ teamId, userId }).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The teams a user is in, earliest joined first (the first is their primary team). */
export async function teamsOfUser(
  scope: OrgScope,
  userId: string,
): Promise<(Team & { role: TeamRole })[]> {
  const rows = await scope
    .teamMembers()
    .selectAll('teams')
    .select('team_members.role as member_role')
    .where('team_members.user_id', '=', userId)
    .orderBy('team_members.created_at')
    .orderBy('teams.id')
    .execute();
  return rows.map((row) => ({ ...toTeam(row), role: row.member_role }));
}

/** Whether `userId` manages the team. */
export async function managesTeam(
  scope: OrgScope,
  teamId: string,
  userId: string,
): Promise<boolean> {
  const row = await scope
    .teamMembers()
    .select('team_members.role')
    .where('team_members.team_id', '=', teamId)
    .where('team_members.user_id', '=', userId)
    .executeTakeFirst();
  return row?.role === 'manager';
}
