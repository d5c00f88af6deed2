// Arena battles (docs/web-api.md, "Arena"): start one, read it, vote once. Both answers are
// ordinary runs, followed at /api/runs/:runId/events like any reply.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { getBattle } from '../../../chat/arena/battle-record.js';
import { createBattle } from '../../../chat/arena/create-battle.js';
import { voteOnBattle } from '../../../chat/arena/vote-battle.js';
import { parseBody } from '../../../lib/parse-body.js';
import type { ServerContext } from '../../context.js';
import { idParam } from './route-input.js';
import { requireUser } from './session-hooks.js';

const battleBody = z.object({ content: z.string() });
const voteBody = z.object({ outcome: z.enum(['a', 'b', 'tie', 'both_bad']) });

/** POST /api/arena/battles, GET /api/arena/battles/:id, POST /api/arena/battles/:id/vote. */
export function arenaRoutes(app: FastifyInstance, context: ServerContext): void {
  const deps = {
    db: context.store.db,
    gateway: context.gateway,
    governance: context.governance.core,
    runs: context.runs,
  };

  app.post('/api/arena/battles', async (request, reply) => {
    const user = requireUser(request);
    const { content } = parseBody(battleBody, request.body);
    return reply.code(201).send(await createBattle(deps, { userId: user.id, content }));
  });

  app.get('/api/arena/battles/:id', async (request) => {
    const user = requireUser(request);
    return getBattle(deps.db, user.id, idParam(request));
  });

  app.post('/api/arena/battles/:id/vote', async (request) => {
    const user = requireUser(request);
    const battleId = idParam(request);
    const { outcome } = parseBody(voteBody, request.body);
    return voteOnBattle(deps.db, { userId: user.id, battleId, outcome });
  });
}
