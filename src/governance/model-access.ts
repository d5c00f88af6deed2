// Which teams may use which models. A model with `model_access` rows in an organisation is open
// only to the members of those teams, and to the organisation's owners and admins; a model
// without rows is open to everyone in it. An alias is held to its own rows and to those of the
// model it points to, so a restricted model cannot be reached through an open alias.
import { OrgScope } from '../identity/org-scope.js';
import type { UserRole } from '../identity/users.js';
import { notFound } from '../lib/errors.js';
import { toTimestamp } from '../store/database.js';

/** Per model name, the teams it is open to; models left out are open to everyone. */
export type ModelAccess = ReadonlyMap<string, readonly string[]>;

/** Who asks for a model, as access rules see them. */
export interface ModelAccessCaller {
  /** Owners and admins use every model; null for a key without a user (see docs/quotas.md). */
  role: UserRole | null;
  teamIds: readonly string[];
}

/** The organisation's rules: model name → its teams' ids (sorted). */
export async function readModelAccess(scope: OrgScope): Promise<Map<string, string[]>> {
  const rows = await scope
    .selectFrom('model_access')
    .select(['model', 'team_id'])
    .orderBy('model')
    .orderBy('team_id')
    .execute();
  const access = new Map<string, string[]>();
  for (const row of rows) access.set(row.model, [...(access.get(row.model) ?? []), row.team_id]);
  return access;
}

/**
 * Replaces the teams `model` is open to; an empty list opens it to everyone again. 404 naming
 * the first team id that is not one of this organisation's teams.
 */
export async function setModelAccess(
  scope: OrgScope,
  model: string,
  teamIds: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(teamIds)].sort();
  if (wanted.length > 0) {
    const found = await scope.selectFrom('teams').select('id').where('id', 'in', wanted).execute();
    const known = new Set(found.map((row) => row.id));
    const unknown = wanted.find((id) => !known.has(id));
    if (unknown) {
      throw notFound(
        `No team with id '${unknown}' in this organisation.`,
        'team_not_found',
        'teamIds',
      );
    }
  }
  await scope.db.transaction().execute(async (trx) => {
    const trxScope = new OrgScope(trx, scope.orgId);
    await trxScope.deleteFrom('model_access').where('model', '=', model).execute();
    if (wanted.length === 0) return;
    const createdAt = toTimestamp();
    const rows = wanted.map((teamId) => ({ model, team_id: teamId, created_at: createdAt }));
    await trxScope.insertInto('model_access', rows).execute();
  });
  return wanted;
}

/** True when the caller may use `model` (and, for an alias, the model it points to). */
export function modelOpenTo(
  access: ModelAccess,
  caller: ModelAccessCaller,
  model: string,
  aliasOf?: string,
): boolean {
  if (caller.role === null || caller.role === 'owner' || caller.role === 'admin') return true;
  return [model, aliasOf].every((name) => {
    const teams = name === undefined ? undefined : access.get(name);
    return !teams || teams.some((team) => caller.teamIds.includes(team));
  });
}
