// The invitation link's side: what it leads to, and taking it (which creates the account and
// signs it in). The token in the path is the only credential.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acceptInvitation, previewInvitation } from '../../../identity/invitations.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { signInPerIpLimit } from '../../ip-limit.js';
import { startSession } from './start-session.js';

const tokenParams = z.object({ token: z.string().min(1).max(200) });
const acceptBody = z.strictObject({
  email: z.string().max(1000),
  password: z.string().max(4096),
  displayName: z.string().max(200).optional(),
});

/** GET /api/invitations/:token; POST /api/invitations/:token/accept. */
export function invitationRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.get('/api/invitations/:token', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return previewInvitation(db, parseBody(tokenParams, request.params).token);
  });

  // Like sign-up, it signs in, so there is no CSRF token yet: the Origin header is checked.
  app.post(
    '/api/invitations/:token/accept',
    { config: { csrf: 'origin' }, preHandler: signInPerIpLimit(context) },
    async (request, reply) => {
      const { token } = parseBody(tokenParams, request.params);
      const user = await acceptInvitation(db, token, parseBody(acceptBody, request.body));
      await audit(request, context, {
        actor: user,
        action: 'invitation.accepted',
        targetType: 'user',
        targetId: user.id,
        details: { role: user.role },
      });
      return reply.code(201).send(await startSession(request, reply, context, user, 'invitation'));
    },
  );
}
