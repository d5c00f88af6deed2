// Usage analytics for an organisation's owners and admins (docs/usage-analytics.md):
// GET /api/admin/usage?from&to&groupBy as JSON, and the same breakdown as a CSV download
// (/api/admin/usage.csv, or format=csv), which the audit log records. The caller's OrgScope is
// the only way to the data, so another organisation's usage cannot be asked for at all.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { usageGroupBys } from '../../../governance/usage-analytics.js';
import { usageCsv } from '../../../governance/usage-csv.js';
import { parseUsageRange } from '../../../governance/usage-range.js';
import { orgUsageReport, type OrgUsageReport } from '../../../governance/org-usage-report.js';
import { parseBody } from '../../../lib/parse-body.js';
import { audit } from '../../audit.js';
import type { ServerContext } from '../../context.js';
import { requireOrgAdmin } from './admin-access.js';

const usageQuery = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  groupBy: z.enum(usageGroupBys).default('day'),
  format: z.enum(['json', 'csv']).default('json'),
});

/** A model of the report as the gateway knows it now; `served: false` for one since removed. */
interface ModelName {
  aliasOf: string | null;
  served: boolean;
}

/** Registers /api/admin/usage and /api/admin/usage.csv. */
export function adminUsageRoutes(app: FastifyInstance, context: ServerContext): void {
  // The models a report mentions, described by the gateway's current catalogue.
  const modelNames = (report: OrgUsageReport): Record<string, ModelName> => {
    const routes = new Map(context.gateway.listModels().map((route) => [route.name, route]));
    const models = new Set(report.series?.models.map((series) => series.model));
    if (report.groupBy === 'model') for (const row of report.rows) models.add(row.key ?? '');
    return Object.fromEntries(
      [...models].map((model) => {
        const route = routes.get(model);
        return [model, { aliasOf: route?.aliasOf ?? null, served: Boolean(route) }];
      }),
    );
  };

  const answer = async (request: FastifyRequest, reply: FastifyReply, csv: boolean) => {
    const caller = requireOrgAdmin(request);
    const query = parseBody(usageQuery, request.query ?? {});
    const range = parseUsageRange(query);
    const report = await orgUsageReport(caller.scope, range, query.groupBy);
    reply.header('cache-control', 'no-store');
    if (!csv && query.format === 'json') {
      return { ...report, names: { ...report.names, models: modelNames(report) } };
    }
    await audit(request, context, {
      action: 'usage.exported',
      orgId: caller.orgId,
      targetType: 'org',
      targetId: caller.orgId,
      details: { from: range.from, to: range.to, groupBy: query.groupBy, rows: report.rows.length },
    });
    const file = `salon-usage-${query.groupBy}-${range.from}-to-${range.to}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file}"`)
      .send(usageCsv(report));
  };

  app.get('/api/admin/usage', (request, reply) => answer(request, reply, false));
  app.get('/api/admin/usage.csv', (request, reply) => answer(request, reply, true));
}
