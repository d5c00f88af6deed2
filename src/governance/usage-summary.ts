// Sums over the usage ledger, per user, key, team or organisation and period: for the admin API,
// and to start a budget's counter from what the ledger already holds (budgets survive a restart).
import type { Kysely } from 'kysely';
import { OrgScope } from '../identity/org-scope.js';
import { toTimestamp, type Database } from '../store/database.js';
import type { LimitScope } from './limit-scopes.js';

/** Whose usage, and over which time range. */
export interface UsageFilter {
  userId?: string;
  apiKeyId?: string;
  orgId?: string;
  /**
   * Rows of the team's current members, whichever team their rows name: a team's quota counts
   * every request of its members, as the counters do (limit-scopes.ts).
   */
  membersOf?: { orgId: string; teamId: string };
  /** Inclusive. */
  since: Date;
  /** Exclusive; open-ended when left out. */
  until?: Date;
}

/** Totals of the ledger rows a filter selects. */
export interface UsageSummary {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Rows without a price count as zero. */
  costUsd: number;
}

/** The totals for one user or one key (or the whole instance) since a given instant. */
export async function usageSummary(
  db: Kysely<Database>,
  filter: UsageFilter,
): Promise<UsageSummary> {
  let query = db
    .selectFrom('usage_events')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('requests'),
      eb.fn.sum<number | string | null>('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum<number | string | null>('completion_tokens').as('completion_tokens'),
      eb.fn.sum<number | string | null>('cost_usd').as('cost_usd'),
    ])
    .where('created_at', '>=', toTimestamp(filter.since));
  if (filter.until) query = query.where('created_at', '<', toTimestamp(filter.until));
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.apiKeyId) query = query.where('api_key_id', '=', filter.apiKeyId);
  if (filter.orgId) query = query.where('org_id', '=', filter.orgId);
  if (filter.membersOf) {
    const { orgId, teamId } = filter.membersOf;
    const members = new OrgScope(db, orgId)
      .teamMembers()
      .select('team_members.user_id')
      .where('team_members.team_id', '=', teamId);
    query = query.where('user_id', 'in', members);
  }
  const row = await query.executeTakeFirstOrThrow();
  // PostgreSQL returns count and sum of integers as bigint, which pg hands over as strings.
  const promptTokens = Number(row.prompt_tokens ?? 0);
  const completionTokens = Number(row.completion_tokens ?? 0);
  return {
    requests: Number(row.requests),
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costUsd: Number(row.cost_usd ?? 0),
  };
}

/** What a limit scope (a key, a user over all their keys, a team's members, an organisation) has
 * spent since an instant. */
export async function scopeSpend(
  db: Kysely<Database>,
  scope: Pick<LimitScope, 'kind' | 'ownerId' | 'orgId'>,
  since: Date,
): Promise<{ tokens: number; usd: number }> {
  const summary = await usageSummary(db, { ...spendFilter(scope), since });
  return { tokens: summary.totalTokens, usd: summary.costUsd };
}

function spendFilter(
  scope: Pick<LimitScope, 'kind' | 'ownerId' | 'orgId'>,
): Omit<UsageFilter, 'since'> {
  switch (scope.kind) {
    case 'key':
      return { apiKeyId: scope.ownerId };
    case 'user':
      return { userId: scope.ownerId };
    case 'org':
      return { orgId: scope.ownerId };
    case 'team':
      return { membersOf: { orgId: scope.orgId ?? '', teamId: scope.ownerId } };
  }
}
