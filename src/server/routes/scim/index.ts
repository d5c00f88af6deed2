// SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2, for Okta, Microsoft Entra ID, OneLogin and
// the like. An encapsulated scope with its own rules: the organisation's bearer token instead of a
// session (so no cookie and no CSRF check), `application/scim+json` in and out (plain JSON is read
// too), and errors in SCIM's shape. See docs/scim.md.
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';
import { discoveryRoutes } from './discovery.js';
import { groupRoutes } from './groups.js';
import { authenticateScimCaller } from './scim-auth.js';
import { installScimErrorHandler } from './scim-errors.js';
import { userRoutes } from './users.js';

/** Where the SCIM service lives; identity providers are configured with `<origin>/scim/v2`. */
export const scimPrefix = '/scim/v2';

const scimMediaType = 'application/scim+json; charset=utf-8';

/** Registers every /scim/v2 route; `app` must be a scope registered with `scimPrefix`. */
export async function scimRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  installScimErrorHandler(app);
  app.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onRequest', async (request) => authenticateScimCaller(request, context));
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) {
      reply.header('content-type', scimMediaType);
    }
    return payload;
  });
  discoveryRoutes(app);
  userRoutes(app, context);
  groupRoutes(app, context);
  // Anything else under /scim/v2 is SCIM's 404, not the web UI's index.html.
  app.all('/*', async (request) => {
    throw notFound(`No SCIM endpoint at ${request.url.split('?')[0]}.`);
  });
}
