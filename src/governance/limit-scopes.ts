// Who a request is counted against: its API key (the key's own limits) and its user (the
// `limits.per_user` defaults of salon.yaml, over all of the user's keys). A request must fit
// every scope that applies.
import type { LimitsConfig } from '../config/schema.js';
import type { ApiKeyLimits } from '../identity/api-keys.js';
import type { BudgetPeriod } from './budget-period.js';

/** Tokens and/or USD per period. */
export interface Budget {
  tokens: number | null;
  usd: number | null;
  period: BudgetPeriod;
}

/** One set of limits and who it applies to. */
export interface LimitScope {
  /** Names the scope in counter names and messages: `key:<id>` or `user:<id>`. */
  id: string;
  kind: 'key' | 'user';
  /** The key's or the user's id. */
  ownerId: string;
  /** Requests per minute. */
  rpm: number | null;
  /** Tokens per minute. */
  tpm: number | null;
  budget: Budget | null;
}

/** The caller of a request, as authentication found it. */
export interface LimitedCaller {
  userId?: string | null;
  apiKey?: { id: string; limits: ApiKeyLimits } | null;
}

/** The scopes a caller's requests count against; none when nothing limits them. */
export function limitScopes(caller: LimitedCaller, limits: LimitsConfig): LimitScope[] {
  const scopes: LimitScope[] = [];
  const key = caller.apiKey;
  if (key) {
    const { rpm, tpm, budgetTokens, budgetUsd, budgetPeriod } = key.limits;
    const budget =
      budgetTokens !== null || budgetUsd !== null
        ? { tokens: budgetTokens, usd: budgetUsd, period: budgetPeriod ?? 'month' }
        : null;
    scopes.push({ id: `key:${key.id}`, kind: 'key', ownerId: key.id, rpm, tpm, budget });
  }
  const perUser = limits.per_user;
  if (caller.userId && perUser) {
    const budget = perUser.budget && {
      tokens: perUser.budget.tokens ?? null,
      usd: perUser.budget.usd ?? null,
      period: perUser.budget.period,
    };
    scopes.push({
      id: `user:${caller.userId}`,
      kind: 'user',
      ownerId: caller.userId,
      rpm: perUser.rpm ?? null,
      tpm: perUser.tpm ?? null,
      budget: budget ?? null,
    });
  }
  return scopes.filter((scope) => scope.rpm !== null || scope.tpm !== null || scope.budget);
}
