// The audit log for an organisation's owners and admins (docs/audit.md): a newest-first viewer
// with filters and a cursor, and a JSON-lines export for a SIEM. Each caller sees their own
// organisation's events only; the instance's admins also see the instance's own (org_id null).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  auditEventLine,
  listAuditEvents,
  streamAuditEvents,
  visibleAuditEvents,
  type AuditFilter,
} from '../../../governance/audit-query.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { parseQuery } from '../api/route-input.js';
import { requireOrgAdmin } from './admin-access.js';

// Stored instants are `Date#toISOString()`; any offset the caller sends is brought to that form
// so that the string comparison in SQL is a time comparison.
const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());

const filterQuery = z.strictObject({
  action: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(320).optional(),
  target: z.string().min(1).max(200).optional(),
  from: instant.optional(),
  to: instant.optional(),
  before: z.coerce.number().int().min(1).optional(),
});

const pageQuery = filterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** GET /api/admin/audit and GET /api/admin/audit/export. */
export function adminAuditRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/admin/audit', async (request) => {
    const caller = requireOrgAdmin(request);
    const { limit, ...filter } = parseQuery(pageQuery, request);
    const events = visibleAuditEvents(caller.scope, { instanceWide: caller.instanceAdmin });
    return listAuditEvents(events, filter, limit);
  });

  app.get('/api/admin/audit/export', async (request, reply) => {
    const caller = requireOrgAdmin(request);
    const filter: AuditFilter = parseQuery(filterQuery, request);
    // Recorded as the export starts: an export cut short has still disclosed what it sent. The
    // export stops just before its own event.
    const exported = await audit(request, context, {
      action: 'audit.exported',
      details: { filter },
    });
    const events = visibleAuditEvents(caller.scope, { instanceWide: caller.instanceAdmin });
    const before = Math.min(filter.before ?? Infinity, exported.seq);
    const lines = async function* () {
      for await (const event of streamAuditEvents(events, { ...filter, before })) {
        yield auditEventLine(event);
      }
    };
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audit.jsonl"')
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  });
}
