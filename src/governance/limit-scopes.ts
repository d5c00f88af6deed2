// Who a request is counted against: its API key (the key's own limits), its user (the
// `limits.per_user` defaults of salon.yaml, over all of the user's keys), and the quotas an
// organisation's admins set (quotas.ts) on the organisation, on each team the user is in, and on
// the user. A request must fit every scope that applies: a user in two teams with quotas is held
// to both, and salon.yaml's `per_user` stays an instance-wide ceiling beside a user's own quota.
import type { LimitsConfig } from '../config/schema.js';
import type { ApiKeyLimits } from '../identity/api-keys.js';
import type { BudgetPeriod } from './budget-period.js';
import type { Quota } from './quotas.js';

/** Tokens and/or USD per period. */
export interface Budget {
  tokens: number | null;
  usd: number | null;
  period: BudgetPeriod;
}

/** What a scope limits: an API key, a user, a team or an organisation. */
export type LimitScopeKind = 'key' | 'user' | 'team' | 'org';

/** One set of limits and who it applies to. */
export interface LimitScope {
  /**
   * Names the scope in counter names: `key:<id>`, `user:<id>` (salon.yaml's per_user),
   * `user-quota:<id>`, `team:<id>` or `org:<id>`.
   */
  id: string;
  kind: LimitScopeKind;
  /** The key's, user's, team's or organisation's id. */
  ownerId: string;
  /** The organisation a team or organisation scope belongs to (to read its spend). */
  orgId?: string;
  /** Who the scope is, for messages: "this API key", "your team Research", … */
  label: string;
  /** Requests per minute. */
  rpm: number | null;
  /** Tokens per minute. */
  tpm: number | null;
  budget: Budget | null;
}

/** A team the caller is in, as limits name it. */
export interface CallerTeam {
  id: string;
  name: string;
}

/** The caller of a request, as authentication found it. */
export interface LimitedCaller {
  userId?: string | null;
  apiKey?: { id: string; limits: ApiKeyLimits } | null;
  /** The caller's organisation (a user's, or a key's without a user). */
  org?: { id: string; name: string } | null;
  /** Every team the user is in: each team's quota applies. */
  teams?: readonly CallerTeam[];
  /** The organisation's quotas (any scope); those that concern the caller are picked here. */
  quotas?: readonly Quota[];
}

/** The scopes a caller's requests count against; none when nothing limits them. */
export function limitScopes(caller: LimitedCaller, limits: LimitsConfig): LimitScope[] {
  const scopes: LimitScope[] = [];
  const key = caller.apiKey;
  if (key) {
    const { rpm, tpm, budgetTokens, budgetUsd, budgetPeriod } = key.limits;
    scopes.push({
      id: `key:${key.id}`,
      kind: 'key',
      ownerId: key.id,
      label: 'this API key',
      rpm,
      tpm,
      budget: budgetOf(budgetTokens, budgetUsd, budgetPeriod),
    });
  }
  const perUser = limits.per_user;
  if (caller.userId && perUser) {
    scopes.push({
      id: `user:${caller.userId}`,
      kind: 'user',
      ownerId: caller.userId,
      label: 'your account',
      rpm: perUser.rpm ?? null,
      tpm: perUser.tpm ?? null,
      budget: perUser.budget
        ? budgetOf(perUser.budget.tokens ?? null, perUser.budget.usd ?? null, perUser.budget.period)
        : null,
    });
  }
  scopes.push(...quotaScopes(caller));
  return scopes.filter((scope) => scope.rpm !== null || scope.tpm !== null || scope.budget);
}

// The organisation's quota, then each of the caller's teams' (in the order given), then the user's.
function quotaScopes(caller: LimitedCaller): LimitScope[] {
  const { org, quotas = [] } = caller;
  if (!org || quotas.length === 0) return [];
  const find = (scope: Quota['scope'], subjectId: string) =>
    quotas.find((quota) => quota.scope === scope && quota.subjectId === subjectId);
  const scopes: LimitScope[] = [];
  const orgQuota = find('org', org.id);
  if (orgQuota) {
    const label = `your organisation ${org.name}`;
    scopes.push(fromQuota(orgQuota, `org:${org.id}`, 'org', org.id, label, org.id));
  }
  for (const team of caller.teams ?? []) {
    const teamQuota = find('team', team.id);
    if (teamQuota) {
      const label = `your team ${team.name}`;
      scopes.push(fromQuota(teamQuota, `team:${team.id}`, 'team', team.id, label, org.id));
    }
  }
  const userQuota = caller.userId ? find('user', caller.userId) : undefined;
  if (userQuota && caller.userId) {
    const id = `user-quota:${caller.userId}`;
    scopes.push(fromQuota(userQuota, id, 'user', caller.userId, 'your account', org.id));
  }
  return scopes;
}

function fromQuota(
  quota: Quota,
  id: string,
  kind: LimitScopeKind,
  ownerId: string,
  label: string,
  orgId: string,
): LimitScope {
  const budget = budgetOf(quota.budgetTokens, quota.budgetUsd, quota.budgetPeriod);
  return { id, kind, ownerId, orgId, label, rpm: quota.rpm, tpm: quota.tpm, budget };
}

function budgetOf(
  tokens: number | null,
  usd: number | null,
  period: BudgetPeriod | null,
): Budget | null {
  if (tokens === null && usd === null) return null;
  return { tokens, usd, period: period ?? 'month' };
}
