// "SSO only" organisations (`orgs.sso_only` = 1): their members and admins sign in through the
// identity provider, never with a password. The owner keeps password sign-in, so a broken or
// misconfigured provider cannot lock the organisation out.
import type { Kysely } from 'kysely';
import { forbidden } from '../../lib/errors.js';
import type { Database } from '../../store/database.js';
import type { User } from '../users.js';

/** Throws 403 `sso_required` when `user` may not sign in with a password. */
export async function checkPasswordSignIn(
  db: Kysely<Database>,
  user: Pick<User, 'role' | 'orgId'>,
): Promise<void> {
  if (user.role === 'owner') return;
  const org = await db
    .selectFrom('orgs')
    .select('sso_only')
    .where('id', '=', user.orgId)
    .executeTakeFirst();
  if (org?.sso_only === 1) {
    throw forbidden(
      'Your organisation signs in with single sign-on: use "Sign in with single sign-on" on the sign-in page.',
      'sso_required',
    );
  }
}
