// Recording an audit event from a request: the actor is the signed-in user, the API key's user,
// or the instance key; the address is the client's. Routes call `audit(request, context, …)` after
// the action has succeeded.
import type { FastifyRequest } from 'fastify';
import { appendAudit, type AuditEntry, type AuditEvent } from '../governance/audit-log.js';
import type { ServerContext } from './context.js';

/** What a route says about the action; the actor, organisation and address come from `request`. */
export type RequestAuditEntry = Omit<AuditEntry, 'actorId' | 'actorLabel' | 'ip' | 'orgId'> & {
  /** The organisation acted on, when it is not the actor's own (or the actor has none). */
  orgId?: string | null;
  /** For actions without a signed-in actor (a failed sign-in): who it claimed to be. */
  actorLabel?: string;
};

/** Appends an audit event for an action taken by `request`'s caller. */
export function audit(
  request: FastifyRequest,
  context: Pick<ServerContext, 'store'>,
  entry: RequestAuditEntry,
): Promise<AuditEvent> {
  const user = request.user ?? request.apiKey?.user ?? null;
  const actorLabel = user?.email ?? (request.apiKey ? 'instance' : (entry.actorLabel ?? null));
  return appendAudit(context.store.db, {
    ...entry,
    orgId: entry.orgId !== undefined ? entry.orgId : (user?.orgId ?? request.apiKey?.orgId ?? null),
    actorId: user?.id ?? null,
    actorLabel,
    ip: request.ip,
  });
}
