// Signing in and out of the web UI (docs/web-api.md, "Sessions and CSRF").
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate } from '../../../identity/authenticate.js';
import { getInstanceSettings } from '../../../identity/instance-settings.js';
import { clearLoginAttempts, countLoginAttempt } from '../../../identity/login-limiter.js';
import { dummyPasswordHash } from '../../../identity/password-hash.js';
import { checkPasswordSignIn } from '../../../identity/oidc/sso-only.js';
import { pruneExpired } from '../../../identity/prune-expired.js';
import { revokeSession, revokeUserSessions } from '../../../identity/sessions.js';
import { isSetupRequired, setupOwner } from '../../../identity/setup-owner.js';
import { createUser, defaultOrgId, findUserByEmail } from '../../../identity/users.js';
import { forbidden, unauthorized } from '../../../lib/errors.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { signInPerIpLimit } from '../../ip-limit.js';
import { parseBody } from '../../../lib/parse-body.js';
import { toPublicUser } from './public-user.js';
import { clearSessionCookie } from './session-cookie.js';
import { requireUser } from './session-hooks.js';
import { startSession } from './start-session.js';

// Lengths are checked precisely by createUser; these bounds only keep junk out of the parser.
const credentials = z.object({ email: z.string().max(1000), password: z.string().max(4096) });
const setupBody = credentials.extend({ displayName: z.string().max(200).optional() });
/** GET /api/auth/state; POST /api/auth/setup, login, signup, logout, logout-all. */
export function authRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;
  // Routes that sign in have no CSRF token yet: the session hooks check `Origin` instead. Each
  // attempt counts against the client address's window (ip-limit.ts).
  const signIn = { config: { csrf: 'origin' as const }, preHandler: signInPerIpLimit(context) };
  // Computed now, so the first sign-in with an unknown email is not slower than the others.
  void dummyPasswordHash();

  app.get('/api/auth/state', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const [setupRequired, settings] = await Promise.all([
      isSetupRequired(db),
      getInstanceSettings(db),
    ]);
    return {
      setupRequired,
      signupEnabled: settings.signupEnabled,
      user: request.user ? toPublicUser(request.user) : null,
      ...(request.session && { csrfToken: request.session.csrfToken }),
    };
  });

  app.post('/api/auth/setup', signIn, async (request, reply) => {
    const user = await setupOwner(db, parseBody(setupBody, request.body));
    await audit(request, context, {
      actor: user,
      action: 'org.owner_created',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email },
    });
    return startSession(request, reply, context, user, 'setup');
  });

  app.post('/api/auth/login', signIn, async (request, reply) => {
    const { email, password } = parseBody(credentials, request.body);
    await countLoginAttempt(db, email, request.ip);
    const user = await authenticate(db, email, password);
    if (!user) {
      // Recorded against the account when the email is one, so its organisation's admins see it.
      const claimed = await findUserByEmail(db, email);
      await audit(request, context, {
        actor: null,
        actorLabel: email.trim().toLowerCase().slice(0, 320),
        orgId: claimed?.orgId ?? null,
        action: 'auth.sign_in_failed',
        targetType: claimed ? 'user' : null,
        targetId: claimed?.id ?? null,
      });
      throw unauthorized('Wrong email or password.', 'invalid_credentials');
    }
    // Only once the password is proven, so the answer does not tell who is in such an organisation.
    await checkPasswordSignIn(db, user);
    await clearLoginAttempts(db, email, request.ip);
    pruneExpired(db).catch((error: unknown) => request.log.warn({ err: error }, 'prune failed'));
    return startSession(request, reply, context, user, 'password');
  });

  app.post('/api/auth/signup', signIn, async (request, reply) => {
    if (!(await getInstanceSettings(db)).signupEnabled) {
      throw forbidden('Sign-up is closed: ask an administrator for an account.', 'signup_disabled');
    }
    const { email, password } = parseBody(credentials, request.body);
    // A password account would get round the default organisation's "SSO only".
    await checkPasswordSignIn(db, { role: 'member', orgId: defaultOrgId });
    const user = await createUser(db, { email, password, role: 'member' });
    await audit(request, context, {
      actor: user,
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, role: user.role, via: 'signup' },
    });
    return startSession(request, reply, context, user, 'signup');
  });

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.session) {
      await revokeSession(db, request.session.id);
      await audit(request, context, { action: 'auth.signed_out' });
    }
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    await revokeUserSessions(db, requireUser(request).id);
    await audit(request, context, { action: 'auth.signed_out_everywhere' });
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });
}
