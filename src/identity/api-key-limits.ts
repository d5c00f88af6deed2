// What a virtual key may do: the models it may ask for, its request and token rates, and a budget
// per UTC day or calendar month. Validated here once, for every way a key is created.
import { badRequest } from '../lib/errors.js';
import type { BudgetPeriod } from '../store/database.js';

/** A key's own limits; null (or an empty list) means the key adds no limit of that kind. */
export interface ApiKeyLimits {
  /** The model names the key may ask for; null for every model. */
  models: string[] | null;
  /** Requests per minute. */
  rpm: number | null;
  /** Tokens (prompt + completion) per minute. */
  tpm: number | null;
  /** Tokens per budget period. */
  budgetTokens: number | null;
  /** US dollars per budget period. */
  budgetUsd: number | null;
  /** Set whenever the key has a budget. */
  budgetPeriod: BudgetPeriod | null;
}

/** Limits as a caller gives them; anything left out is unlimited. */
export type ApiKeyLimitsInput = Partial<ApiKeyLimits>;

/** A key with no limits of its own. */
export const noKeyLimits: ApiKeyLimits = Object.freeze({
  models: null,
  rpm: null,
  tpm: null,
  budgetTokens: null,
  budgetUsd: null,
  budgetPeriod: null,
});

// The largest value an `integer` column holds on PostgreSQL.
const maxInteger = 2_147_483_647;
const budgetPeriods: readonly BudgetPeriod[] = ['day', 'month'];

/**
 * Checks limits and fills in the defaults (a budget without a period is monthly); throws a 400
 * naming the field (`models`, `rpm`, `tpm`, `budget_tokens`, `budget_usd`, `budget_period`).
 */
export function validateKeyLimits(input: ApiKeyLimitsInput = {}): ApiKeyLimits {
  const models = input.models?.map((model) => model.trim()) ?? null;
  if (models?.some((model) => !model || model.length > 200)) {
    throw badRequest('Each allowed model must be a name of 1 to 200 characters.', 'models');
  }
  const budgetTokens = positiveInteger(input.budgetTokens, 'budget_tokens');
  const budgetUsd = input.budgetUsd ?? null;
  if (budgetUsd !== null && !(Number.isFinite(budgetUsd) && budgetUsd > 0)) {
    throw badRequest(
      `budget_usd must be a positive amount of dollars, not ${budgetUsd}.`,
      'budget_usd',
    );
  }
  const hasBudget = budgetTokens !== null || budgetUsd !== null;
  const period = input.budgetPeriod ?? null;
  if (period !== null && !budgetPeriods.includes(period)) {
    throw badRequest(
      `budget_period must be 'day' or 'month', not '${String(period)}'.`,
      'budget_period',
    );
  }
  if (period !== null && !hasBudget) {
    throw badRequest('budget_period needs budget_tokens or budget_usd.', 'budget_period');
  }
  return {
    models: models?.length ? [...new Set(models)] : null,
    rpm: positiveInteger(input.rpm, 'rpm'),
    tpm: positiveInteger(input.tpm, 'tpm'),
    budgetTokens,
    budgetUsd,
    budgetPeriod: hasBudget ? (period ?? 'month') : null,
  };
}

function positiveInteger(value: number | null | undefined, param: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > maxInteger) {
    throw badRequest(
      `${param} must be a whole number from 1 to ${maxInteger}, not ${value}.`,
      param,
    );
  }
  return value;
}

/** The stored columns of a key's limits. */
export function keyLimitColumns(limits: ApiKeyLimits) {
  return {
    allowed_models: limits.models ? JSON.stringify(limits.models) : null,
    rpm: limits.rpm,
    tpm: limits.tpm,
    budget_tokens: limits.budgetTokens,
    budget_usd: limits.budgetUsd,
    budget_period: limits.budgetPeriod,
  };
}

/** A key's limits from its stored columns. */
export function keyLimitsFromRow(row: {
  allowed_models: string | null;
  rpm: number | null;
  tpm: number | null;
  budget_tokens: number | null;
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
}): ApiKeyLimits {
  return {
    models: row.allowed_models ? (JSON.parse(row.allowed_models) as string[]) : null,
    rpm: row.rpm,
    tpm: row.tpm,
    budgetTokens: row.budget_tokens,
    // float8 comes back as a number from both drivers; Number() guards a numeric-typed column.
    budgetUsd: row.budget_usd === null ? null : Number(row.budget_usd),
    budgetPeriod: row.budget_period,
  };
}

/** Whether a key with these limits may ask for `model` (or the model it is an alias of). */
export function keyAllowsModel(limits: ApiKeyLimits, model: string, aliasOf?: string): boolean {
  if (!limits.models) return true;
  return (
    limits.models.includes(model) || (aliasOf !== undefined && limits.models.includes(aliasOf))
  );
}
