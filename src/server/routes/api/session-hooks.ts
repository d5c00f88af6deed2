// Who is calling the web UI's API: the `salon_session` cookie, read on every request into
// `request.user` / `request.session`, and the CSRF rule for signed-in callers. Routes then ask
// `requireUser` / `requireRole`; nothing here refuses a request for lacking a session.
import { timingSafeEqual, createHash } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findSession, type Session } from '../../../identity/sessions.js';
import { defaultOrgId, type User, type UserRole } from '../../../identity/users.js';
import { forbidden, unauthorized } from '../../../lib/errors.js';
import type { ServerContext } from '../../context.js';
import { checkSameOrigin } from './same-origin.js';
import { sessionCookieName, setSessionCookie } from './session-cookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, when the session cookie is valid. */
    user?: User;
    /** The session behind `user`. */
    session?: Session;
  }
  interface FastifyContextConfig {
    /**
     * `origin`: a route that signs in (setup, login, signup) and so has no CSRF token to check;
     * it checks the `Origin` header instead.
     */
    csrf?: 'origin';
  }
}

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Hashing both sides first gives timingSafeEqual equal lengths without revealing the real one.
function tokensMatch(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/** Reads the session cookie and enforces CSRF for every route registered after it in `app`. */
export async function sessionHooks(app: FastifyInstance, context: ServerContext): Promise<void> {
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[sessionCookieName];
    if (token) {
      const found = await findSession(context.store.db, token);
      if (found) {
        request.user = found.user;
        request.session = found.session;
        if (found.renewed) setSessionCookie(request, reply, token); // the cookie slides too
      }
    }
    if (!stateChanging.has(request.method)) return;
    if (request.routeOptions.config?.csrf === 'origin') return checkSameOrigin(request);
    if (
      request.session &&
      !tokensMatch(request.headers['x-csrf-token'], request.session.csrfToken)
    ) {
      throw forbidden('Missing or wrong x-csrf-token header: reload the page.', 'csrf_failed');
    }
  });
}

/** The signed-in user; 401 `not_signed_in` when there is none. */
export function requireUser(request: FastifyRequest): User {
  if (!request.user) throw unauthorized('Sign in first.', 'not_signed_in');
  return request.user;
}

/** The signed-in user when their role is one of `roles`; 401 without a user, 403 otherwise. */
export function requireRole(request: FastifyRequest, ...roles: UserRole[]): User {
  const user = requireUser(request);
  if (!roles.includes(user.role)) {
    throw forbidden('Your role does not allow this.', 'insufficient_role');
  }
  return user;
}

/**
 * An owner or admin of the default organisation: the instance's administrators, who connect
 * providers, pull models and change instance settings. 403 for other organisations' admins.
 */
export function requireInstanceAdminUser(request: FastifyRequest): User {
  const user = requireRole(request, 'owner', 'admin');
  if (user.orgId !== defaultOrgId) {
    throw forbidden(
      'This changes the whole instance: it needs an owner or admin of the default organisation.',
      'insufficient_role',
    );
  }
  return user;
}
