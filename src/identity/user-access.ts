// Switching an account's access off and on again (SCIM `active`, an admin disabling someone).
// Disabling ends what is open at once: sessions are deleted and the user's API keys are dropped
// from every replica's cache (api-key-evictions.ts; the keys' owner is then read disabled).
// The owner is never disabled. Running chat replies are the chat's to stop (chat/stop-user-runs).
import { toTimestamp } from '../store/database.js';
import { forgetApiKeys } from './api-key-evictions.js';
import type { OrgScope } from './org-scope.js';
import { revokeUserSessions } from './sessions.js';

/** Disables a user of the organisation and ends their sessions; false when already disabled. */
export async function disableUser(scope: OrgScope, userId: string): Promise<boolean> {
  const now = toTimestamp();
  const result = await scope
    .updateTable('users')
    .set({ disabled_at: now, updated_at: now })
    .where('id', '=', userId)
    .where('role', '!=', 'owner')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  // Sessions and keys are cut even when the row was already disabled: cheap, and it closes any
  // session a race let in.
  await revokeUserSessions(scope.db, userId);
  await forgetUserKeys(scope, userId);
  return Number(result.numUpdatedRows) > 0;
}

/** Drops the user's keys from every replica's cache, where they may sit with the old state. */
export async function forgetUserKeys(scope: OrgScope, userId: string): Promise<void> {
  const keys = await scope
    .selectFrom('api_keys')
    .select('id')
    .where('user_id', '=', userId)
    .execute();
  await forgetApiKeys(
    scope.db,
    keys.map((key) => key.id),
  );
}

/**
 * Lets a disabled user of the organisation sign in again, their API keys too (on every replica
 * at once); false when they were not disabled.
 */
export async function enableUser(scope: OrgScope, userId: string): Promise<boolean> {
  const result = await scope
    .updateTable('users')
    .set({ disabled_at: null, updated_at: toTimestamp() })
    .where('id', '=', userId)
    .where('disabled_at', 'is not', null)
    .executeTakeFirst();
  await forgetUserKeys(scope, userId);
  return Number(result.numUpdatedRows) > 0;
}
