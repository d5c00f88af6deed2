// Which issuer URLs an organisation may point its single sign-on at. OpenID Connect needs https;
// plain http is accepted only for a loopback issuer (127.0.0.0/8, ::1, localhost), which is what a
// provider on the same machine (and the test suite's provider) uses. Credentials in the URL, a
// query or a fragment are refused: the issuer identifier has none (OpenID Connect Discovery 1.0).
// Link-local and cloud-metadata hosts are refused as for the gateway's upstreams.
import { isIP } from 'node:net';
import { upstreamUrlProblem } from '../../gateway/types.js';
import { badRequest } from '../../lib/errors.js';

/** True when `hostname` (as `URL#hostname` gives it) names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The issuer as a URL; 400 naming `issuer` when it may not be used. */
export function checkIssuerUrl(issuer: string): URL {
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
  // Link-local and cloud-metadata hosts, as for the gateway's upstreams.
  const problem = upstreamUrlProblem(url.href);
  if (problem) throw badRequest(`issuer: ${problem}.`, 'issuer');
  return url;
}

/** Whether openid-client must be told to allow plain http for this (already checked) issuer. */
export function needsInsecureRequests(issuer: URL): boolean {
  return issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
}
