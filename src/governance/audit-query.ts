// Reading the audit log: the admin viewer (newest first, a page at a time) and the export (every
// matching event in chain order, streamed in batches). Both start from a query that already says
// whose events the reader may see (`visibleAuditEvents`), then add the reader's filters.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { OrgScope } from '../identity/org-scope.js';
import type { Database } from '../store/database.js';
import { toAuditEvent, type AuditEvent } from './audit-log.js';

/** The audit events one reader may see, before filters. */
export type AuditEventsQuery = SelectQueryBuilder<Database, 'audit_events', object>;

/** What to keep; every field is optional and they combine with AND. */
export interface AuditFilter {
  /** An exact action (`user.deleted`), or a family ending in `.*` (`auth.*`). */
  action?: string;
  /** The actor's user id or label (an email, `instance`, `system`). */
  actor?: string;
  /** The target's id. */
  target?: string;
  /** ISO instants, inclusive: `createdAt >= from`, `createdAt <= to`. */
  from?: string;
  to?: string;
  /** Only events with a smaller `seq` (the viewer's cursor). */
  before?: number;
  /** Only events with a larger `seq` (the export's position). */
  after?: number;
}

/** One page of the viewer. */
export interface AuditPage {
  data: AuditEvent[];
  /** Pass as `before` for the next (older) page; null on the last one. */
  nextBefore: number | null;
}

/**
 * The events `scope`'s organisation may see; with `instanceWide`, the instance's own events too
 * (`org_id` null: providers, reloads, settings), for the instance's admins.
 */
export function visibleAuditEvents(
  scope: OrgScope,
  options: { instanceWide: boolean },
): AuditEventsQuery {
  if (!options.instanceWide) return scope.selectFrom('audit_events');
  // eslint-disable-next-line salon/org-scoped-tables -- this organisation's rows plus the instance's (org_id null), none of another organisation's
  return scope.db
    .selectFrom('audit_events')
    .where((eb) => eb.or([eb('org_id', '=', scope.orgId), eb('org_id', 'is', null)]));
}

/**
 * Every organisation's events and the instance's, or one organisation's: for the command line,
 * which runs with the database's own rights.
 */
export function allAuditEvents(db: Kysely<Database>, orgId?: string): AuditEventsQuery {
  // eslint-disable-next-line salon/org-scoped-tables -- the operator's export, across organisations unless --org is given
  const query = db.selectFrom('audit_events');
  return orgId === undefined ? query : query.where('org_id', '=', orgId);
}

/** `query` narrowed by `filter`. */
export function filterAuditEvents(query: AuditEventsQuery, filter: AuditFilter): AuditEventsQuery {
  let filtered = query;
  const { action, actor, target, from, to, before, after } = filter;
  if (action?.endsWith('.*')) {
    // substr, not LIKE: `_` in action names is no wildcard, and case counts on both dialects.
    const prefix = action.slice(0, -1);
    filtered = filtered.where(
      (eb) => eb.fn<string>('substr', ['action', eb.val(1), eb.val(prefix.length)]),
      '=',
      prefix,
    );
  } else if (action) {
    filtered = filtered.where('action', '=', action);
  }
  if (actor) {
    filtered = filtered.where((eb) =>
      eb.or([eb('actor_id', '=', actor), eb('actor_label', '=', actor.toLowerCase())]),
    );
  }
  if (target) filtered = filtered.where('target_id', '=', target);
  if (from) filtered = filtered.where('created_at', '>=', from);
  if (to) filtered = filtered.where('created_at', '<=', to);
  if (before !== undefined) filtered = filtered.where('seq', '<', before);
  if (after !== undefined) filtered = filtered.where('seq', '>', after);
  return filtered;
}

/** Up to `limit` events matching `filter`, newest first, with the cursor to the next page. */
export async function listAuditEvents(
  query: AuditEventsQuery,
  filter: AuditFilter,
  limit: number,
): Promise<AuditPage> {
  const rows = await filterAuditEvents(query, filter)
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
  const data = rows.slice(0, limit).map(toAuditEvent);
  return { data, nextBefore: rows.length > limit ? data[data.length - 1]!.seq : null };
}

/**
 * Every event matching `filter`, oldest first (chain order), read `batchSize` at a time by seq so
 * that a log of millions never sits in memory.
 */
export async function* streamAuditEvents(
  query: AuditEventsQuery,
  filter: AuditFilter,
  batchSize = 1_000,
): AsyncGenerator<AuditEvent> {
  let after = filter.after;
  for (;;) {
    const rows = await filterAuditEvents(query, { ...filter, after })
      .selectAll()
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    for (const row of rows) yield toAuditEvent(row);
    if (rows.length < batchSize) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

/** One event as a line of JSON, with its chain fields, for a SIEM. */
export function auditEventLine(event: AuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}
