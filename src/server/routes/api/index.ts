// The web UI's API (docs/web-api.md). Session hooks come first: every route after them sees
// `request.user` and is behind the CSRF rule.
import fastifyCompress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.js';
import { arenaRoutes } from './arena.js';
import { authRoutes } from './auth.js';
import { conversationRoutes } from './conversations.js';
import { exportRoutes } from './export.js';
import { feedbackRoutes } from './feedback.js';
import { folderRoutes } from './folders.js';
import { invitationRoutes } from './invitations.js';
import { leaderboardRoutes } from './leaderboard.js';
import { meExportRoutes } from './me-export.js';
import { messageRoutes } from './messages.js';
import { modelRoutes } from './models.js';
import { providerRoutes } from './providers.js';
import { runRoutes } from './runs.js';
import { searchRoutes } from './search.js';
import { sessionHooks } from './session-hooks.js';
import { ssoRoutes } from './sso.js';
import { settingsRoutes } from './settings.js';
import { shareRoutes } from './shares.js';
import { userRoutes } from './users.js';

/** Registers every /api route on `app` (an encapsulated scope). */
export async function apiRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  // Answers go out brotli- or gzip-compressed when the browser accepts it: a conversation of
  // 2,000 messages is 1.6 MB of JSON. Run events stream over a hijacked reply, which this never
  // touches. Compressed request bodies are refused as before, so bodyLimit bounds what is parsed.
  await app.register(fastifyCompress, { globalDecompression: false, encodings: ['br', 'gzip'] });
  await sessionHooks(app, context);
  authRoutes(app, context);
  ssoRoutes(app, context);
  userRoutes(app, context);
  invitationRoutes(app, context);
  settingsRoutes(app, context);
  modelRoutes(app, context);
  providerRoutes(app, context);
  conversationRoutes(app, context);
  messageRoutes(app, context);
  runRoutes(app, context);
  feedbackRoutes(app, context);
  searchRoutes(app, context);
  shareRoutes(app, context);
  exportRoutes(app, context);
  meExportRoutes(app, context);
  folderRoutes(app, context);
  arenaRoutes(app, context);
  leaderboardRoutes(app, context);
}
