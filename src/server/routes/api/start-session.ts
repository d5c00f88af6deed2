// Opening a web session for a user who has just proven who they are (password, setup, sign-up,
// an accepted invitation, single sign-on): replaces the browser's previous session, records the
// sign-in in the audit log and sets the cookie.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSession, revokeSession } from '../../../identity/sessions.js';
import type { User } from '../../../identity/users.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { toPublicUser, type PublicUser } from './public-user.js';
import { setSessionCookie } from './session-cookie.js';

/** How the user proved who they are (the audit event's `method`). */
export type SignInMethod = 'password' | 'setup' | 'signup' | 'invitation' | 'sso';

/** Starts a session for `user`; returns what the sign-in routes answer. */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  context: Pick<ServerContext, 'store'>,
  user: User,
  method: SignInMethod,
): Promise<{ user: PublicUser; csrfToken: string }> {
  const db = context.store.db;
  // Whoever was signed in on this browser before is not any more.
  if (request.session) await revokeSession(db, request.session.id);
  const { token, session } = await createSession(db, {
    userId: user.id,
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  });
  await audit(request, context, {
    actor: user,
    action: 'auth.signed_in',
    targetType: 'user',
    targetId: user.id,
    details: { method },
  });
  setSessionCookie(request, reply, token);
  reply.header('cache-control', 'no-store'); // it carries the CSRF token
  return { user: toPublicUser(user), csrfToken: session.csrfToken };
}
