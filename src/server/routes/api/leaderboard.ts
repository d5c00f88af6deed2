// The leaderboard (arena ratings and MMLU), for every signed-in user: it holds only model names
// and aggregates, and members who vote in the arena should see what their votes add up to.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { leaderboardCsv } from '../../../evals/leaderboard/leaderboard-csv.js';
import { buildLeaderboard, createArenaRatings } from '../../../evals/leaderboard/leaderboard.js';
import type { ServerContext } from '../../context.js';
import { parseQuery } from './route-input.js';
import { requireUser } from './session-hooks.js';

const exportQuery = z.object({ format: z.enum(['csv', 'json']).default('csv') });

/** GET /api/leaderboard and GET /api/leaderboard/export?format=csv|json. */
export function leaderboardRoutes(app: FastifyInstance, context: ServerContext): void {
  const arenaRatings = createArenaRatings();
  const load = () => buildLeaderboard(context.store.db, arenaRatings);

  app.get('/api/leaderboard', async (request, reply) => {
    requireUser(request);
    return reply.header('cache-control', 'no-store').send(await load());
  });

  app.get('/api/leaderboard/export', async (request, reply) => {
    requireUser(request);
    const { format } = parseQuery(exportQuery, request);
    const board = await load();
    const day = board.generatedAt.slice(0, 10);
    const [type, body] =
      format === 'csv'
        ? ['text/csv; charset=utf-8', leaderboardCsv(board)]
        : ['application/json; charset=utf-8', `${JSON.stringify(board, null, 2)}\n`];
    return reply
      .type(type)
      .header('content-disposition', `attachment; filename="salon-leaderboard-${day}.${format}"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
