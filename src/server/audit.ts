// Recording an audit event from a request: the actor is the signed-in user, the API key's user,
// or the instance key; the address is the client's. Routes call `audit(request, context, …)` after
// the action has succeeded.
import type { FastifyRequest } from 'fastify';
import { appendAudit, type AuditEntry, type AuditEvent } from '../governance/audit-log.js';
import type { User } from '../identity/users.js';
import type { ServerContext } from './context.js';

/** What a route says about the action; the actor, organisation and address come from `request`. */
export type RequestAuditEntry = Omit<AuditEntry, 'actorId' | 'actorLabel' | 'ip' | 'orgId'> & {
  /** The organisation acted on, when it is not the actor's own (or the actor has none). */
  orgId?: string | null;
  /** For actions without a signed-in actor (a failed sign-in): who it claimed to be. */
  actorLabel?: string;
  /**
   * The actor when it is not the request's caller: the user a sign-in has just authenticated, or
   * null for nobody (a failed sign-in, named by `actorLabel`).
   */
  actor?: Pick<User, 'id' | 'email' | 'orgId'> | null;
};

/** Appends an audit event for an action taken by `request`'s caller. */
export function audit(
  request: FastifyRequest,
  context: Pick<ServerContext, 'store'>,
  { actor, ...entry }: RequestAuditEntry,
): Promise<AuditEvent> {
  const caller = actor === undefined;
  const user = caller ? (request.user ?? request.apiKey?.user ?? null) : actor;
  const instanceKey = caller && Boolean(request.apiKey) && !user;
  const actorLabel = user?.email ?? (instanceKey ? 'instance' : (entry.actorLabel ?? null));
  const keyOrgId = caller ? request.apiKey?.orgId : undefined;
  return appendAudit(context.store.db, {
    ...entry,
    orgId: entry.orgId !== undefined ? entry.orgId : (user?.orgId ?? keyOrgId ?? null),
    actorId: user?.id ?? null,
    actorLabel,
    ip: request.ip,
  });
}
