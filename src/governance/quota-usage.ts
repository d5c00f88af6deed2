// What a quota's subject has used in the quota's current budget period (a month unless the quota
// says a day), as the ledger holds it: the figure budgets are held to, for the admin console.
import type { Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import { periodBounds } from './budget-period.js';
import type { LimitScopeKind } from './limit-scopes.js';
import type { Quota } from './quotas.js';
import { scopeSpend } from './usage-summary.js';

/** Tokens and USD used in the current period, and the period's bounds (UTC). */
export interface QuotaUsage {
  period: 'day' | 'month';
  periodStart: string;
  /** Exclusive: when the budget renews. */
  periodEnd: string;
  tokens: number;
  usd: number;
}

/** The quota's usage in the period holding `now`; ledger rows are written within ~250 ms. */
export async function quotaUsage(
  db: Kysely<Database>,
  orgId: string,
  quota: Quota,
  now = new Date(),
): Promise<QuotaUsage> {
  const period = quota.budgetPeriod ?? 'month';
  const bounds = periodBounds(period, now);
  const kind: LimitScopeKind = quota.scope;
  const spent = await scopeSpend(db, { kind, ownerId: quota.subjectId, orgId }, bounds.start);
  return {
    period,
    periodStart: bounds.start.toISOString(),
    periodEnd: bounds.end.toISOString(),
    ...spent,
  };
}
