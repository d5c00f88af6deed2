// SCIM Users over one organisation's accounts: list with filter and paging, read, create, change
// (PUT and PATCH both end in `saveScimUser`) and delete. Everything goes through the
// organisation's OrgScope, so another organisation's user id reads as missing (404). The owner is
// never deactivated or deleted from here.
import type { Selectable } from 'kysely';
import { forbidden, isSalonError, notFound } from '../../lib/errors.js';
import { toTimestamp, type UsersTable } from '../../store/database.js';
import { deleteUser } from '../manage-users.js';
import type { OrgScope } from '../org-scope.js';
import { disableUser, enableUser } from '../user-access.js';
import { createUser, findUserByEmail, normalizeEmail, toUser, type User } from '../users.js';
import type { Comparison } from './filter.js';
import { scimBadRequest, scimConflict } from './scim-error.js';
import type { ScimUserInput, ScimUserState } from './user-state.js';

/** A user with what SCIM shows besides the account: the external id and the teams. */
export interface ScimUserRecord {
  user: User;
  externalId: string | null;
  groups: { id: string; name: string }[];
}

/** One page of a list. */
export interface ScimPage<T> {
  total: number;
  records: T[];
}

/** Which page: SCIM's 1-based `startIndex` and `count`. */
export interface PageRequest {
  startIndex: number;
  count: number;
}

/** What a change did, for the audit log and for ending the user's running replies. */
export interface ScimUserChange {
  record: ScimUserRecord;
  before: ScimUserState;
  activity: 'deactivated' | 'reactivated' | null;
}

/** Ends what the account still has open beyond sessions and keys (its running chat replies). */
export type EndAccess = (userId: string) => Promise<unknown>;

const missing = (id: string) => notFound(`User ${id} not found.`, 'user_not_found');

/** The SCIM attributes of a stored user. */
export function userState(record: ScimUserRecord): ScimUserState {
  return {
    userName: record.user.email,
    externalId: record.externalId,
    displayName: record.user.displayName,
    active: record.user.disabledAt === null,
  };
}

function filtered(scope: OrgScope, filter: Comparison[]) {
  let query = scope.selectFrom('users');
  for (const { path, value } of filter) {
    const text = typeof value === 'string' ? value : null;
    switch (path) {
      case 'username':
      case 'emails.value':
        query = query.where('email', '=', text?.trim().toLowerCase() ?? '');
        break;
      case 'externalid':
        query =
          text === null
            ? query.where('external_id', 'is', null)
            : query.where('external_id', '=', text);
        break;
      case 'id':
        query = query.where('id', '=', text ?? '');
        break;
      case 'displayname':
        query = query.where('display_name', '=', text ?? '');
        break;
      case 'active':
        query = query.where('disabled_at', value === true ? 'is' : 'is not', null);
        break;
      case 'emails.type':
      case 'emails.primary':
        break; // Salon keeps one email per user: its work and primary address.
      default:
        throw scimBadRequest('invalidFilter', `Filtering Users on '${path}' is not supported.`);
    }
  }
  return query;
}

async function withGroups(
  scope: OrgScope,
  rows: Selectable<UsersTable>[],
): Promise<ScimUserRecord[]> {
  const ids = rows.map((row) => row.id);
  const memberships = ids.length
    ? await scope
        .teamMembers()
        .select(['team_members.user_id', 'teams.id', 'teams.name'])
        .where('team_members.user_id', 'in', ids)
        .orderBy('teams.name')
        .execute()
    : [];
  return rows.map((row) => ({
    user: toUser(row),
    externalId: row.external_id,
    groups: memberships
      .filter((membership) => membership.user_id === row.id)
      .map(({ id, name }) => ({ id, name })),
  }));
}

/** The organisation's users matching every comparison, oldest first, one page of them. */
export async function listScimUsers(
  scope: OrgScope,
  filter: Comparison[],
  page: PageRequest,
): Promise<ScimPage<ScimUserRecord>> {
  const counted = await filtered(scope, filter)
    .select((eb) => eb.fn.countAll().as('count'))
    .executeTakeFirstOrThrow();
  const rows =
    page.count === 0
      ? []
      : await filtered(scope, filter)
          .selectAll()
          .orderBy('created_at')
          .orderBy('id')
          .limit(page.count)
          .offset(page.startIndex - 1)
          .execute();
  return { total: Number(counted.count), records: await withGroups(scope, rows) };
}

/** The organisation's user with this id; 404 otherwise. */
export async function getScimUser(scope: OrgScope, id: string): Promise<ScimUserRecord> {
  const row = await scope.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw missing(id);
  return (await withGroups(scope, [row]))[0]!;
}

/** Provisions a member account (no password: it signs in through SSO); 409 when the email exists. */
export async function createScimUser(
  scope: OrgScope,
  input: ScimUserInput,
): Promise<ScimUserRecord> {
  const user = await createUser(scope.db, {
    email: input.userName,
    role: 'member',
    displayName: input.displayName ?? undefined,
    orgId: scope.orgId,
    externalId: input.externalId,
  }).catch((error: unknown) => {
    if (isSalonError(error) && error.status === 409) {
      throw scimConflict(`A user with the userName ${input.userName} already exists.`);
    }
    throw error;
  });
  if (input.active === false) await disableUser(scope, user.id);
  return getScimUser(scope, user.id);
}

async function changeEmail(scope: OrgScope, id: string, userName: string): Promise<void> {
  const email = normalizeEmail(userName);
  const holder = await findUserByEmail(scope.db, email);
  const taken = () => scimConflict(`A user with the userName ${email} already exists.`);
  if (holder && holder.id !== id) throw taken();
  await scope
    .updateTable('users')
    .set({ email, updated_at: toTimestamp() })
    .where('id', '=', id)
    .execute()
    .catch((error: unknown) => {
      if (/unique|duplicate/i.test(String(error))) throw taken();
      throw error;
    });
}

/**
 * Stores `next` as the user's SCIM attributes. Deactivating ends their sessions at once
 * (user-access.ts), then calls `endAccess`; 403 for the owner.
 */
export async function saveScimUser(
  scope: OrgScope,
  id: string,
  next: (current: ScimUserState) => ScimUserState,
  endAccess?: EndAccess,
): Promise<ScimUserChange> {
  const current = await getScimUser(scope, id);
  const before = userState(current);
  const after = next(before);
  if (!after.active && current.user.role === 'owner') {
    throw forbidden("The organisation's owner can't be deactivated.", 'owner_protected');
  }
  if (after.userName.trim().toLowerCase() !== before.userName) {
    await changeEmail(scope, id, after.userName);
  }
  if (after.externalId !== before.externalId || after.displayName !== before.displayName) {
    await scope
      .updateTable('users')
      .set({
        external_id: after.externalId,
        display_name: after.displayName,
        updated_at: toTimestamp(),
      })
      .where('id', '=', id)
      .execute();
  }
  let activity: ScimUserChange['activity'] = null;
  if (before.active && !after.active && (await disableUser(scope, id))) {
    activity = 'deactivated';
    await endAccess?.(id);
  }
  if (!before.active && after.active && (await enableUser(scope, id))) activity = 'reactivated';
  return { record: await getScimUser(scope, id), before, activity };
}

/**
 * Deletes the user with everything they own, as an admin would (manage-users.ts), after
 * `endAccess`; 403 for the owner.
 */
export async function deleteScimUser(
  scope: OrgScope,
  id: string,
  endAccess?: EndAccess,
): Promise<ScimUserRecord> {
  const record = await getScimUser(scope, id);
  if (record.user.role === 'owner') {
    throw forbidden("The organisation's owner can't be deleted.", 'owner_protected');
  }
  await endAccess?.(id);
  await deleteUser(scope.db, { id: null, orgId: scope.orgId }, id);
  return record;
}
