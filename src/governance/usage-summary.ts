// Sums over the usage ledger, per user or per key and period: for the admin API, and to start a
// budget's counter from what the ledger already holds (budgets survive a restart).
import type { Kysely } from 'kysely';
import { toTimestamp, type Database } from '../store/database.js';
import type { LimitScope } from './limit-scopes.js';

/** Whose usage, and over which time range. */
export interface UsageFilter {
  userId?: string;
  apiKeyId?: string;
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

/** What a limit scope (a key, or a user over all their keys) has spent since an instant. */
export async function scopeSpend(
  db: Kysely<Database>,
  scope: Pick<LimitScope, 'kind' | 'ownerId'>,
  since: Date,
): Promise<{ tokens: number; usd: number }> {
  const owner = scope.kind === 'key' ? { apiKeyId: scope.ownerId } : { userId: scope.ownerId };
  const summary = await usageSummary(db, { ...owner, since });
  return { tokens: summary.totalTokens, usd: summary.costUsd };
}
