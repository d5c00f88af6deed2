// Instance settings: anyone signed in reads them, owners and admins change them.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  getInstanceSettings,
  updateInstanceSettings,
} from '../../../identity/instance-settings.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { parseBody } from '../../../lib/parse-body.js';
import { requireInstanceAdminUser, requireUser } from './session-hooks.js';

// Strict: a misspelt key is a 400, not a silent no-op.
const changes = z.strictObject({ signupEnabled: z.boolean().optional() });

/** GET /api/settings and PUT /api/settings (owner/admin). */
export function settingsRoutes(app: FastifyInstance, context: ServerContext): void {
  const db = context.store.db;

  app.get('/api/settings', async (request) => {
    requireUser(request);
    return getInstanceSettings(db);
  });

  app.put('/api/settings', async (request) => {
    requireInstanceAdminUser(request);
    const input = parseBody(changes, request.body);
    const settings = await updateInstanceSettings(db, input);
    await audit(request, context, { action: 'settings.changed', orgId: null, details: input });
    return settings;
  });
}
