// An organisation's single sign-on settings (docs/sso.md, "Admin API"), for its owners and admins.
// A save discovers the provider first, so a wrong issuer is a 400 before anything changes; the
// client secret goes in but never comes out (`hasClientSecret` says whether one is set).
import type { FastifyInstance } from 'fastify';
import {
  deleteSsoSettings,
  getSsoSettings,
  resolveSsoInput,
  saveSsoSettings,
  ssoSettingsInput,
} from '../../../identity/oidc/sso-settings.js';
import { notFound } from '../../../lib/errors.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { ssoDiscovery, ssoRedirectUri } from '../../sso-runtime.js';
import { requireOrgAdmin } from './admin-access.js';

/** GET, PUT and DELETE /api/admin/sso. */
export function adminSsoRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/sso', async (request) => {
    const { scope } = requireOrgAdmin(request);
    const settings = await getSsoSettings(scope);
    // The redirect URI is what the admin must register at the provider, so it is shown even
    // before anything is set up.
    return { settings: settings ?? null, redirectUri: ssoRedirectUri(context.settings, request) };
  });

  app.put('/api/admin/sso', async (request) => {
    const { scope, orgId } = requireOrgAdmin(request);
    const input = parseBody(ssoSettingsInput, request.body);
    const resolved = await resolveSsoInput(scope, context.secrets, input);
    const discovery = ssoDiscovery(context);
    const configuration = await discovery.discover(resolved);
    const settings = await saveSsoSettings(scope, context.secrets, resolved);
    discovery.remember(resolved, configuration);
    await audit(request, context, {
      orgId,
      action: 'sso.updated',
      targetType: 'org',
      targetId: orgId,
      details: {
        issuer: settings.issuer,
        clientId: settings.clientId,
        enabled: settings.enabled,
        groupsClaim: settings.groupsClaim,
        groupMappings: settings.groupMappings.length,
        // Whether the secret changed, never the secret.
        clientSecret:
          input.clientSecret === undefined ? 'kept' : input.clientSecret ? 'set' : 'removed',
      },
    });
    return { settings, redirectUri: ssoRedirectUri(context.settings, request) };
  });

  app.delete('/api/admin/sso', async (request, reply) => {
    const { scope, orgId } = requireOrgAdmin(request);
    if (!(await deleteSsoSettings(scope))) {
      throw notFound('This organisation has no single sign-on settings.', 'sso_not_configured');
    }
    ssoDiscovery(context).forget(orgId);
    await audit(request, context, {
      orgId,
      action: 'sso.deleted',
      targetType: 'org',
      targetId: orgId,
    });
    return reply.code(204).send();
  });
}
