// Owners and admins managing other accounts: changing a role, deleting an account. The owner
// is out of reach of both, and nobody changes or deletes their own account this way (one slip
// would lock them out of the settings that could undo it). Each refusal names its reason.
import type { Kysely } from 'kysely';
import { forbidden, notFound } from '../lib/errors.js';
import { toTimestamp, type Database } from '../store/database.js';
import { forgetApiKeys } from './api-key-evictions.js';
import { findUserById, type User } from './users.js';

/**
 * Who changes an account: a signed-in owner or admin, or (id null) the organisation's identity
 * provider through SCIM.
 */
export type AccountActor = Pick<User, 'orgId'> & { id: string | null };

/** The roles an owner or admin may give: there is one owner, made at setup. */
export type AssignableRole = 'admin' | 'member';

type Change = 'role' | 'delete';

const refusals: Record<Change, { owner: string; self: string }> = {
  role: {
    owner: "The owner's role can't be changed.",
    self: "You can't change your own role.",
  },
  delete: {
    owner: "The owner's account can't be deleted.",
    self: "You can't delete your own account.",
  },
};

/** The account `actor` may change; 404, or 403 naming why not. */
async function changeableUser(
  db: Kysely<Database>,
  actor: AccountActor,
  targetId: string,
  change: Change,
): Promise<User> {
  const target = await findUserById(db, targetId);
  // Another organisation's account is as unknown as a missing one.
  if (!target || target.orgId !== actor.orgId)
    throw notFound(`No user with id '${targetId}'.`, 'user_not_found');
  if (target.role === 'owner') throw forbidden(refusals[change].owner, 'owner_protected');
  if (target.id === actor.id) throw forbidden(refusals[change].self, 'own_account');
  return target;
}

/** The account `actor` may delete; 404, or 403 naming why not (for checks ahead of a deletion). */
export function deletableUser(
  db: Kysely<Database>,
  actor: AccountActor,
  targetId: string,
): Promise<User> {
  return changeableUser(db, actor, targetId, 'delete');
}

async function apiKeyIds(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('api_keys').select('id').where('user_id', '=', userId).execute();
  return rows.map((row) => row.id);
}

/**
 * Gives an account another role. Sessions read the role on every request, so it applies at
 * once; the user's API keys are dropped from every replica's cache (api-key-evictions.ts).
 */
export async function changeUserRole(
  db: Kysely<Database>,
  actor: User,
  targetId: string,
  role: AssignableRole,
): Promise<User> {
  const target = await changeableUser(db, actor, targetId, 'role');
  const updatedAt = toTimestamp();
  await db
    .updateTable('users')
    .set({ role, updated_at: updatedAt })
    .where('id', '=', target.id)
    .where('role', '!=', 'owner')
    .execute();
  await forgetApiKeys(db, await apiKeyIds(db, target.id));
  return { ...target, role, updatedAt };
}

/** What a caller adds to a deletion (GDPR erasure clears more than the cascades reach). */
export interface DeleteUserOptions {
  /** Runs in the deleting transaction, after the checks and before the account's row goes. */
  beforeDelete?(trx: Kysely<Database>, target: User): Promise<void>;
}

/**
 * Deletes an account with everything it owns: sessions and API keys (which stop working at
 * once on every replica), conversations, folders, shares and feedback.
 */
export async function deleteUser(
  db: Kysely<Database>,
  actor: AccountActor,
  targetId: string,
  options: DeleteUserOptions = {},
): Promise<void> {
  const keys = await db.transaction().execute(async (trx) => {
    const target = await changeableUser(trx, actor, targetId, 'delete');
    const ids = await apiKeyIds(trx, target.id);
    await options.beforeDelete?.(trx, target);
    // Cut the parent links first: cascading along a long chain of messages nests one trigger
    // per message, and SQLite stops at 1,000 levels (as deleteConversation does).
    await trx
      .updateTable('messages')
      .set({ parent_id: null })
      .where('conversation_id', 'in', (eb) =>
        eb.selectFrom('conversations').select('id').where('user_id', '=', target.id),
      )
      .execute();
    await trx
      .deleteFrom('users')
      .where('id', '=', target.id)
      .where('role', '!=', 'owner')
      .execute();
    return ids;
  });
  await forgetApiKeys(db, keys);
}
