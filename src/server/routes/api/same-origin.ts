// The Origin check for the routes that sign in (setup, login, signup): they have no session and
// so no CSRF token yet, but a browser names the page that sent a POST in `Origin`, and a page
// on another site must not sign a visitor in to an account of its choosing (login CSRF).
import type { FastifyRequest } from 'fastify';
import { forbidden } from '../../../lib/errors.js';

function first(value: string | string[] | undefined): string | undefined {
  return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
}

// `Host: example.com:443` and `https://example.com` are one host: compare through URL's parser.
function sameHost(host: string | undefined, sender: URL): boolean {
  if (!host) return false;
  try {
    return new URL(`${sender.protocol}//${host}`).host === sender.host;
  } catch {
    return false;
  }
}

/** Throws 403 `csrf_failed` when an `Origin` header is present and is not this server. */
export function checkSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return; // not a browser, or one too old to send it
  let sender: URL | undefined;
  try {
    sender = new URL(origin); // `null` (sandboxed frames, some redirects) throws
  } catch {
    sender = undefined;
  }
  // The Host a proxy forwarded, and the one it sent: either names us. A page cannot forge
  // them: setting X-Forwarded-Host from another site needs a CORS preflight we never grant.
  // The scheme is not compared: a proxy ending TLS may not say so, and the host is what counts.
  const hosts = [first(request.headers['x-forwarded-host']), request.headers.host];
  const matches = sender !== undefined && hosts.some((host) => sameHost(host, sender));
  if (!matches) {
    throw forbidden(`Requests from ${origin} are not accepted here.`, 'csrf_failed');
  }
}
