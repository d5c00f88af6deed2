// Who is calling /scim/v2: an identity provider presenting its organisation's SCIM token as
// `Authorization: Bearer scim-…`. The token's hash names the organisation; every route then acts
// through that organisation's OrgScope. No session cookie and no CSRF token here: the token is
// the whole credential, and it is never logged or recorded.
import type { FastifyRequest } from 'fastify';
import { OrgScope } from '../../../identity/org-scope.js';
import { orgOfScimToken } from '../../../identity/scim-token.js';
import { unauthorized } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The organisation whose SCIM token authenticated a /scim/v2 request. */
    scimScope?: OrgScope;
  }
}

/** Reads the bearer token into `request.scimScope`; 401 when it is missing or not current. */
export async function authenticateScimCaller(
  request: FastifyRequest,
  context: ServerContext,
): Promise<void> {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const orgId = match ? await orgOfScimToken(context.store.db, match[1]!) : undefined;
  if (!orgId) {
    throw unauthorized(
      header
        ? 'The SCIM token is not valid (revoked or replaced?).'
        : 'Send the SCIM token as a Bearer token.',
      'invalid_token',
    );
  }
  request.scimScope = new OrgScope(context.store.db, orgId);
}

/** The caller's organisation scope (set by the /scim/v2 hook). */
export function scimScope(request: FastifyRequest): OrgScope {
  if (!request.scimScope)
    throw unauthorized('Send the SCIM token as a Bearer token.', 'invalid_token');
  return request.scimScope;
}
