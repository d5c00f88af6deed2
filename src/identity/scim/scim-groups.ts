// SCIM Groups are the organisation's teams. Listed with filter and paging, read, created with
// their members, changed (PUT and PATCH both end in `saveScimGroup`) and deleted, all through
// the organisation's OrgScope: another organisation's group or user id reads as missing (404).
// Members the identity provider adds join as plain members; a manager it keeps stays a manager.
import { notFound } from '../../lib/errors.js';
import { OrgScope } from '../org-scope.js';
import {
  createTeam,
  deleteTeam,
  getTeam,
  removeTeamMember,
  setTeamMember,
  toTeam,
  updateTeam,
  type Team,
} from '../teams.js';
import type { Comparison } from './filter.js';
import type { ScimGroupState } from './group-state.js';
import type { PageRequest, ScimPage } from './scim-users.js';
import { scimBadRequest } from './scim-error.js';

/** A team with its members, as a SCIM Group shows them. */
export interface ScimGroupRecord {
  team: Team;
  members: { id: string; email: string }[];
}

/** What a change did, for the audit log. */
export interface ScimGroupChange {
  record: ScimGroupRecord;
  before: ScimGroupState;
  added: string[];
  removed: string[];
}

function filtered(scope: OrgScope, filter: Comparison[]) {
  let query = scope.selectFrom('teams');
  for (const { path, value } of filter) {
    const text = typeof value === 'string' ? value : '';
    switch (path) {
      case 'displayname':
        query = query.where('name', '=', text.trim());
        break;
      case 'externalid':
        query =
          value === null
            ? query.where('external_id', 'is', null)
            : query.where('external_id', '=', text);
        break;
      case 'id':
        query = query.where('id', '=', text);
        break;
      case 'members.value':
        query = query.where(
          'id',
          'in',
          scope
            .teamMembers()
            .select('team_members.team_id')
            .where('team_members.user_id', '=', text),
        );
        break;
      default:
        throw scimBadRequest('invalidFilter', `Filtering Groups on '${path}' is not supported.`);
    }
  }
  return query;
}

async function withMembers(scope: OrgScope, teams: Team[]): Promise<ScimGroupRecord[]> {
  const ids = teams.map((team) => team.id);
  const rows = ids.length
    ? await scope
        .teamMembers()
        .innerJoin('users', 'users.id', 'team_members.user_id')
        .select(['team_members.team_id', 'users.id', 'users.email'])
        .where('team_members.team_id', 'in', ids)
        .orderBy('users.email')
        .execute()
    : [];
  return teams.map((team) => ({
    team,
    members: rows.filter((row) => row.team_id === team.id).map(({ id, email }) => ({ id, email })),
  }));
}

/** The organisation's teams matching every comparison, by name, one page of them. */
export async function listScimGroups(
  scope: OrgScope,
  filter: Comparison[],
  page: PageRequest,
): Promise<ScimPage<ScimGroupRecord>> {
  const counted = await filtered(scope, filter)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  const rows =
    page.count === 0
      ? []
      : await filtered(scope, filter)
          .selectAll()
          .orderBy('name')
          .orderBy('id')
          .limit(page.count)
          .offset(page.startIndex - 1)
          .execute();
  return { total: Number(counted.count), records: await withMembers(scope, rows.map(toTeam)) };
}

/** The organisation's team with this id as a Group; 404 otherwise. */
export async function getScimGroup(scope: OrgScope, id: string): Promise<ScimGroupRecord> {
  const team = await getTeam(scope, id);
  return (await withMembers(scope, [team]))[0]!;
}

/** 404 naming the first id that is not a user of the organisation. */
async function checkMembers(scope: OrgScope, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await scope.selectFrom('users').select('id').where('id', 'in', ids).execute();
  const known = new Set(rows.map((row) => row.id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown) throw notFound(`User ${unknown} not found.`, 'user_not_found');
}

/** Creates a team with its members; 409 `uniqueness` when the name is taken. */
export async function createScimGroup(
  scope: OrgScope,
  input: ScimGroupState,
): Promise<ScimGroupRecord> {
  await checkMembers(scope, input.members);
  const team = await scope.db.transaction().execute(async (trx) => {
    const trxScope = new OrgScope(trx, scope.orgId);
    const created = await createTeam(trxScope, {
      name: input.displayName,
      externalId: input.externalId,
    });
    for (const userId of input.members) await setTeamMember(trxScope, created.id, userId, 'member');
    return created;
  });
  return getScimGroup(scope, team.id);
}

/** Stores `next` as the group's name, external id and members, all or nothing. */
export async function saveScimGroup(
  scope: OrgScope,
  id: string,
  next: (current: ScimGroupState) => ScimGroupState,
): Promise<ScimGroupChange> {
  const current = await getScimGroup(scope, id);
  const before: ScimGroupState = {
    displayName: current.team.name,
    externalId: current.team.externalId,
    members: current.members.map((member) => member.id),
  };
  const after = next(before);
  const added = after.members.filter((userId) => !before.members.includes(userId));
  const removed = before.members.filter((userId) => !after.members.includes(userId));
  await checkMembers(scope, added);
  await scope.db.transaction().execute(async (trx) => {
    const trxScope = new OrgScope(trx, scope.orgId);
    if (after.displayName !== before.displayName || after.externalId !== before.externalId) {
      await updateTeam(trxScope, id, { name: after.displayName, externalId: after.externalId });
    }
    for (const userId of added) await setTeamMember(trxScope, id, userId, 'member');
    for (const userId of removed) await removeTeamMember(trxScope, id, userId);
  });
  return { record: await getScimGroup(scope, id), before, added, removed };
}

/** Deletes the team (memberships, model grants and quota go with it). */
export async function deleteScimGroup(scope: OrgScope, id: string): Promise<ScimGroupRecord> {
  const record = await getScimGroup(scope, id);
  await deleteTeam(scope, id);
  return record;
}
