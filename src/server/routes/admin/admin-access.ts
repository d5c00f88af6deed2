// Who may call an /api/admin route. Every caller is first authenticated (a session cookie, or an
// API key as `Authorization: Bearer`), then each route asks for the level it needs:
// - `requireOrgAdmin`: an owner or admin of the caller's organisation; the route acts on that
//   organisation only, through `actor.scope`;
// - `requireInstanceAdmin`: an owner or admin of the default organisation, or the instance key
//   (what `salon keys create` makes without --user): providers, models, reloads and
//   organisations are the instance's, not one organisation's;
// - `requireAdminCaller`: anyone signed in, for routes that check a narrower right themselves
//   (a team's manager changing its members).
import type { FastifyRequest } from 'fastify';
import { verifyApiKey } from '../../../identity/api-keys.js';
import { OrgScope } from '../../../identity/org-scope.js';
import { defaultOrgId, type User, type UserRole } from '../../../identity/users.js';
import { forbidden, unauthorized } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';
import { requireUser } from '../api/session-hooks.js';

/** The authenticated caller of an admin route. */
export interface AdminCaller {
  /** Null for the instance key. */
  user: User | null;
  /** The caller's organisation (the default one for the instance key). */
  orgId: string;
  /** Queries confined to `orgId`. */
  scope: OrgScope;
  /** The caller's role in `orgId`; the instance key counts as its owner. */
  role: UserRole;
  /** Owner or admin of the default organisation, or the instance key. */
  instanceAdmin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticateAdminCaller` on /api/admin routes. */
    adminCaller?: AdminCaller;
  }
}

const isAdminRole = (role: UserRole) => role === 'owner' || role === 'admin';

function callerFor(context: ServerContext, user: User | null): AdminCaller {
  const orgId = user?.orgId ?? defaultOrgId;
  const role = user?.role ?? 'owner';
  return {
    user,
    orgId,
    scope: new OrgScope(context.store.db, orgId),
    role,
    instanceAdmin: orgId === defaultOrgId && isAdminRole(role),
  };
}

/** Reads the caller from the session or the API key; 401 when neither is valid. */
export async function authenticateAdminCaller(
  request: FastifyRequest,
  context: ServerContext,
): Promise<void> {
  const header = request.headers.authorization;
  if (!header) {
    request.adminCaller = callerFor(context, requireUser(request));
    return;
  }
  const key = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const record = key ? await verifyApiKey(context.store.db, key) : undefined;
  if (!record) throw unauthorized('Invalid API key.');
  request.apiKey = record;
  // A key made for an organisation without a user acts as that organisation's admin.
  if (!record.user && record.orgId) {
    const caller = callerFor(context, null);
    request.adminCaller = {
      ...caller,
      orgId: record.orgId,
      scope: new OrgScope(context.store.db, record.orgId),
      role: 'admin',
      instanceAdmin: false,
    };
    return;
  }
  request.adminCaller = callerFor(context, record.user);
}

/** The authenticated caller, whatever their role. */
export function requireAdminCaller(request: FastifyRequest): AdminCaller {
  if (!request.adminCaller) throw unauthorized('Sign in first.', 'not_signed_in');
  return request.adminCaller;
}

/** An owner or admin of the caller's organisation; 403 `insufficient_role` otherwise. */
export function requireOrgAdmin(request: FastifyRequest): AdminCaller {
  const caller = requireAdminCaller(request);
  if (!isAdminRole(caller.role)) {
    throw forbidden('This needs an owner or admin of the organisation.', 'insufficient_role');
  }
  return caller;
}

/** An owner or admin of the default organisation, or the instance key; 403 otherwise. */
export function requireInstanceAdmin(request: FastifyRequest): AdminCaller {
  const caller = requireOrgAdmin(request);
  if (!caller.instanceAdmin) {
    throw forbidden(
      'This changes the whole instance: it needs an owner or admin of the default organisation.',
      'insufficient_role',
    );
  }
  return caller;
}
