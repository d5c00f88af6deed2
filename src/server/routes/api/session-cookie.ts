// The `salon_session` cookie: httpOnly (no script reads it), SameSite=Lax (not sent on
// cross-site POSTs), Path=/, Secure whenever the browser reached us over https.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sessionTtlMs } from '../../../identity/sessions.js';

/** The cookie's name, as docs/web-api.md states it. */
export const sessionCookieName = 'salon_session';

/** True when the client's connection was https, directly or through a proxy that says so. */
export function cameOverHttps(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0];
  return first?.trim().toLowerCase() === 'https';
}

function attributes(request: FastifyRequest) {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: cameOverHttps(request),
  } as const;
}

/** Sets the cookie to `token`, lasting as long as the session does if left idle. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  reply.setCookie(sessionCookieName, token, {
    ...attributes(request),
    maxAge: Math.floor(sessionTtlMs / 1000),
  });
}

/** Tells the browser to drop the cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(sessionCookieName, attributes(request));
}
