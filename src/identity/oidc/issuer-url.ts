// Which issuer URLs an organisation may point its single sign-on at. OpenID Connect needs https;
// plain http is accepted only for a loopback issuer (127.0.0.0/8, ::1, localhost), which is what a
// provider on the same machine (and the test suite's provider) uses. Credentials in the URL, a
// query or a fragment are refused: the issuer identifier has none (OpenID Connect Discovery 1.0).
// The host is checked as for providers connected from the web UI (an org admin types it): no
// link-local or cloud-metadata address, and a loopback or private one only where
// security.upstream_allow says (the connections are checked again on every request).
import { isIP } from 'node:net';
import { enteredAccess, upstreamUrlProblem, type UpstreamAccess } from '../../gateway/types.js';
import { badRequest } from '../../lib/errors.js';
import { UpstreamAllowList } from '../../lib/upstream-allow-list.js';

/** True when `hostname` (as `URL#hostname` gives it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

const publicOnly = enteredAccess(new UpstreamAllowList(), 'an identity provider');

/** The issuer as a URL; 400 naming `issuer` when it may not be used under `access`. */
export function checkIssuerUrl(issuer: string, access: UpstreamAccess = publicOnly): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw badRequest(`issuer: '${issuer}' is not a valid URL.`, 'issuer');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw badRequest(
      'issuer: must use https (plain http is allowed only for 127.0.0.1 or localhost).',
      'issuer',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badRequest('issuer: must be an https URL.', 'issuer');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw badRequest('issuer: must not hold credentials, a query or a fragment.', 'issuer');
  }
  const problem = upstreamUrlProblem(url.href, access);
  if (problem) throw badRequest(`issuer ${problem}.`, 'issuer');
  return url;
}

/** Whether openid-client must be told to allow plain http for this (already checked) issuer. */
export function needsInsecureRequests(issuer: URL): boolean {
  return issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
}
