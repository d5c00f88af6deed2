// The account a single sign-on opens, just in time: found by email in the organisation or
// created there without a password, then given the teams and role its groups map to. An account
// of another organisation with the same email is refused, never moved or joined (emails are
// unique across the instance). Disabled accounts are refused.
import type { Kysely } from 'kysely';
import { isSalonError } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import { toTimestamp, type Database } from '../../store/database.js';
import { OrgScope } from '../org-scope.js';
import { createUser, findUserByEmail, findUserById, type User } from '../users.js';
import { planMappings, resultingRole, type GroupMapping } from './group-mappings.js';
import type { SsoIdentity } from './sso-claims.js';
import { ssoError } from './sso-errors.js';

/** The account signed in and what the sign-in changed. */
export interface SsoAccount {
  user: User;
  created: boolean;
  /** Team names joined and left on this sign-in. */
  joinedTeams: string[];
  leftTeams: string[];
  /** Set when the role changed (or a new account got a mapped one). */
  previousRole?: User['role'];
}

/** Finds or creates the account for `identity` in `orgId` and applies the group mappings. */
export async function resolveSsoAccount(
  db: Kysely<Database>,
  orgId: string,
  mappings: readonly GroupMapping[],
  identity: SsoIdentity,
): Promise<SsoAccount> {
  const plan = planMappings(mappings, identity.groups);
  let user = await findAccount(db, orgId, identity.email);
  let created = false;
  if (!user) {
    try {
      user = await createUser(db, {
        email: identity.email,
        role: resultingRole('member', plan.role),
        orgId,
        ...(identity.displayName && { displayName: identity.displayName }),
      });
      created = true;
    } catch (error) {
      // Another sign-in of the same person created it a moment ago (or someone else's did).
      if (!isSalonError(error) || error.code !== 'conflict') throw error;
      user = await findAccount(db, orgId, identity.email);
      if (!user) throw error;
    }
  }
  const account = user;
  return db.transaction().execute(async (trx) => {
    const scope = new OrgScope(trx, orgId);
    const role = resultingRole(account.role, plan.role);
    if (role !== account.role) {
      await scope
        .updateTable('users')
        .set({ role, updated_at: toTimestamp() })
        .where('id', '=', account.id)
        .execute();
    }
    const memberships = await scope
      .teamMembers()
      .select(['teams.id', 'teams.name'])
      .where('team_members.user_id', '=', account.id)
      .execute();
    const current = new Map(memberships.map((team) => [team.name, team.id]));
    const joinedTeams = plan.teams.filter((name) => !current.has(name));
    for (const name of joinedTeams) {
      // Joined as a member: a manager made in Salon stays a manager (they are already in).
      await scope.upsertTeamMember(await teamIdFor(scope, name), account.id, 'member');
    }
    const leftTeams = plan.leaveTeams.filter((name) => current.has(name));
    for (const name of leftTeams) {
      await scope.deleteTeamMembers({ teamId: current.get(name)!, userId: account.id }).execute();
    }
    const user =
      role === account.role ? account : ((await findUserById(trx, account.id)) ?? account);
    return {
      user,
      created,
      joinedTeams,
      leftTeams,
      ...(role !== account.role && { previousRole: account.role }),
    };
  });
}

async function findAccount(
  db: Kysely<Database>,
  orgId: string,
  email: string,
): Promise<User | undefined> {
  const found = await findUserByEmail(db, email);
  if (!found) return undefined;
  const { passwordHash: _hash, ...user } = found;
  if (user.orgId !== orgId) {
    throw ssoError(
      'sso_other_org',
      `${email} already has an account in another organisation; it cannot sign in here.`,
    );
  }
  if (user.disabledAt) throw ssoError('account_disabled', `The account ${email} is disabled.`);
  return user;
}

// Teams named by a mapping are created on first use (docs/sso.md): the admin wrote the name, and
// a typo shows up as a new, visible team rather than as silently ignored access.
async function teamIdFor(scope: OrgScope, name: string): Promise<string> {
  const now = toTimestamp();
  await scope
    .insertInto('teams', [
      { id: newId('team'), name, external_id: null, created_at: now, updated_at: now },
    ])
    .onConflict((conflict) => conflict.columns(['org_id', 'name']).doNothing())
    .execute();
  const team = await scope
    .selectFrom('teams')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return team.id;
}
