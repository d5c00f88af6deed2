import type { User } from '../../../identity/users.js';

/** A user as the web UI sees it (docs/web-api.md's `User`). */
export interface PublicUser {
  id: string;
  email: string;
  displayName: string | null;
  role: User['role'];
  /** The user's organisation; owners and admins of `org_default` administer the instance. */
  orgId: string;
  createdAt: string;
}

/** The web UI's view of a user. */
export function toPublicUser(user: User): PublicUser {
  const { id, email, displayName, role, orgId, createdAt } = user;
  return { id, email, displayName, role, orgId, createdAt };
}
