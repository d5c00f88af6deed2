// Signing in for tests without the sign-in form: a user and a real session row, and the headers
// a browser would send with them (the session cookie and the CSRF token).
import type { Kysely } from 'kysely';
import { createSession } from '../../src/identity/sessions.js';
import { createUser, type User, type UserRole } from '../../src/identity/users.js';
import { randomToken } from '../../src/lib/ids.js';
import type { Database } from '../../src/store/database.js';

/** A signed-in user and what to send to be them. */
export interface SignedIn {
  user: User;
  csrfToken: string;
  /** `cookie` and `x-csrf-token`, for `app.inject({ headers })` or `fetch`. */
  headers: { cookie: string; 'x-csrf-token': string };
}

/** Starts a session for an existing user. */
export async function signInAs(db: Kysely<Database>, user: User): Promise<SignedIn> {
  const { token, session } = await createSession(db, { userId: user.id });
  return {
    user,
    csrfToken: session.csrfToken,
    headers: { cookie: `salon_session=${token}`, 'x-csrf-token': session.csrfToken },
  };
}

/**
 * Creates a user (a member unless `role` says otherwise; no password, so no scrypt cost) and
 * signs them in.
 */
export async function signIn(
  db: Kysely<Database>,
  options: { email?: string; role?: UserRole; displayName?: string; orgId?: string } = {},
): Promise<SignedIn> {
  const user = await createUser(db, {
    email: options.email ?? `user-${randomToken(8).toLowerCase()}@example.com`,
    role: options.role ?? 'member',
    displayName: options.displayName,
    orgId: options.orgId,
  });
  return signInAs(db, user);
}
