// The server's single sign-on plumbing: one discovery cache per running app, whose requests to
// identity providers go through the same guarded connection pool as the providers connected
// from the web UI (an org admin types the issuer: no link-local or metadata address, loopback and
// private ones only where security.upstream_allow says, on every connection; redirects never
// followed), and the redirect URI providers send browsers back to.
import type { FastifyRequest } from 'fastify';
import type { CustomFetch } from 'openid-client';
import { fetch as undiciFetch } from 'undici';
import { createUpstreamAgent, enteredAccess } from '../gateway/types.js';
import { OidcDiscovery } from '../identity/oidc/oidc-discovery.js';
import type { ServerContext } from './context.js';
import { cameOverHttps } from './routes/api/session-cookie.js';

/** The callback's path; an identity provider must list `<public URL>` + this as a redirect URI. */
export const ssoCallbackPath = '/api/auth/sso/callback';

const discoveries = new WeakMap<Pick<ServerContext, 'gateway'>, OidcDiscovery>();

/** The discovery cache of the app running on `context`. */
export function ssoDiscovery(context: Pick<ServerContext, 'gateway'>): OidcDiscovery {
  let discovery = discoveries.get(context);
  if (!discovery) {
    const { allowList, resolve } = context.gateway.upstreams;
    const access = enteredAccess(allowList, 'an identity provider');
    const agent = createUpstreamAgent({ connectTimeoutMs: 10_000, access, resolve });
    const guardedFetch: CustomFetch = (url, options) =>
      undiciFetch(url, { ...options, dispatcher: agent } as never) as unknown as Promise<Response>;
    discovery = new OidcDiscovery({ fetch: guardedFetch, access });
    discoveries.set(context, discovery);
  }
  return discovery;
}

/**
 * `${SALON_PUBLIC_URL}/api/auth/sso/callback`, or, without it, the URL the browser used to reach
 * this request (scheme from the connection or X-Forwarded-Proto, host from the Host header).
 */
export function ssoRedirectUri(
  settings: Pick<ServerContext['settings'], 'publicUrl'>,
  request: FastifyRequest,
): string {
  if (settings.publicUrl) return settings.publicUrl + ssoCallbackPath;
  const scheme = cameOverHttps(request) ? 'https' : 'http';
  return `${scheme}://${request.host}${ssoCallbackPath}`;
}
