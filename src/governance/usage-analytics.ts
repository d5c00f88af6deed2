// Usage analytics for one organisation over whole UTC days: totals, and breakdowns by day, model,
// team or user. Everything is read from the rollups (usage-rollup.ts) through an OrgScope, so a
// query can only ever see the caller's organisation; the raw ledger is never scanned here. Each
// figure comes from the smallest rollup that holds it exactly:
// - sums per day and per model, and the per-model series: `usage_daily_model` (org, day, model);
// - sums per team and per user, and active (distinct) users of the range, a day, a team or a
//   user: `usage_daily_user` (org, day, user, team);
// - active users per model, the one figure that needs users paired with models:
//   `usage_active_days` (org, month, model, user → the days active), see usage-active-days.ts.
// `usage_daily` (org, day, model, team, user), the finest rollup, is not read here: the others
// hold every figure with far fewer rows.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { OrgScope } from '../identity/org-scope.js';
import type { Database } from '../store/database.js';
import { activeDaysIn } from './usage-active-days.js';
import { daysIn, type UsageRange } from './usage-range.js';

/** What analytics report for a group of requests (or all of them). */
export interface UsageFigures {
  requests: number;
  /** Requests answered with a status >= 400. */
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** USD; requests without a price count as zero (and in `unpricedRequests`). */
  costUsd: number;
  unpricedRequests: number;
  /** Distinct users with at least one request (requests without a user do not count). */
  activeUsers: number;
  /** Mean latency in milliseconds; null without requests. */
  avgLatencyMs: number | null;
}

/** The ways a breakdown can group usage. */
export const usageGroupBys = ['day', 'model', 'team', 'user'] as const;

/** How a breakdown groups usage. */
export type UsageGroupBy = (typeof usageGroupBys)[number];

/** One line of a breakdown: the day, model, team id or user id, and its figures. */
export interface UsageBreakdownRow extends UsageFigures {
  /** Null for requests without a team (or without a user). */
  key: string | null;
}

const keyColumn = { day: 'day', model: 'model', team: 'team_id', user: 'user_id' } as const;

/** The rollup tables whose counters analytics sum. */
type RollupTable = 'usage_daily_model' | 'usage_daily_user';

/** The tables analytics count active users in. */
type UsersTable = 'usage_daily_user' | 'usage_active_days';

/**
 * Where each grouping's sums and its active users are read (see the header); `users: null` when
 * the key is the user.
 */
const sources: Record<UsageGroupBy | 'totals', { sums: RollupTable; users: UsersTable | null }> = {
  totals: { sums: 'usage_daily_model', users: 'usage_daily_user' },
  day: { sums: 'usage_daily_model', users: 'usage_daily_user' },
  model: { sums: 'usage_daily_model', users: 'usage_active_days' },
  team: { sums: 'usage_daily_user', users: 'usage_daily_user' },
  user: { sums: 'usage_daily_user', users: null },
};

// Sums come back as bigint strings from PostgreSQL and as numbers from SQLite.
type Sum = number | string | null;

function sums(eb: ExpressionBuilder<Database, RollupTable>) {
  return [
    eb.fn.sum<Sum>('requests').as('requests'),
    eb.fn.sum<Sum>('errors').as('errors'),
    eb.fn.sum<Sum>('prompt_tokens').as('prompt_tokens'),
    eb.fn.sum<Sum>('completion_tokens').as('completion_tokens'),
    eb.fn.sum<Sum>('cost_usd').as('cost_usd'),
    eb.fn.sum<Sum>('unpriced_requests').as('unpriced_requests'),
    eb.fn.sum<Sum>('latency_ms').as('latency_ms'),
  ] as const;
}

type SumRow = Partial<
  Record<
    | 'requests'
    | 'errors'
    | 'prompt_tokens'
    | 'completion_tokens'
    | 'cost_usd'
    | 'unpriced_requests'
    | 'latency_ms'
    | 'active_users',
    Sum
  >
>;

function toFigures(row: SumRow | undefined): UsageFigures {
  const requests = Number(row?.requests ?? 0);
  const promptTokens = Number(row?.prompt_tokens ?? 0);
  const completionTokens = Number(row?.completion_tokens ?? 0);
  return {
    requests,
    errors: Number(row?.errors ?? 0),
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    costUsd: Number(row?.cost_usd ?? 0),
    unpricedRequests: Number(row?.unpriced_requests ?? 0),
    activeUsers: Number(row?.active_users ?? 0),
    avgLatencyMs: requests ? Math.round(Number(row?.latency_ms ?? 0) / requests) : null,
  };
}

/** The organisation's rows of one rollup in the range. */
function rollupRows(scope: OrgScope, table: RollupTable, range: UsageRange) {
  // The cast only undoes TypeScript's failure to narrow a union of tables; the SQL is the same.
  return (scope.selectFrom(table) as SelectQueryBuilder<Database, RollupTable, object>)
    .where('day', '>=', range.from)
    .where('day', '<', range.to);
}

/** The organisation's rows of a table of active users with activity in the range. */
function activityRows(scope: OrgScope, table: UsersTable, range: UsageRange) {
  // The casts: both tables have the columns activeUsersBy reads (the key column and `user_id`).
  const rows =
    table === 'usage_active_days' ? activeDaysIn(scope, range) : rollupRows(scope, table, range);
  return rows as unknown as SelectQueryBuilder<Database, UsersTable, object>;
}

/**
 * Distinct users per key over the range, counted as (key, user) groups: a GROUP BY that both
 * dialects hash or read in key order, where PostgreSQL would sort every row for count(distinct).
 */
async function activeUsersBy(
  scope: OrgScope,
  range: UsageRange,
  table: UsersTable,
  column: (typeof keyColumn)[UsageGroupBy] | undefined,
): Promise<Map<string, Sum>> {
  const key = column ? sql<string>`${sql.ref(column)}` : sql<string>`''`;
  const pairs = activityRows(scope, table, range)
    .where('user_id', '<>', '')
    .select([key.as('key'), 'user_id'])
    .groupBy(column ? [column, 'user_id'] : ['user_id']);
  const rows = await scope.db
    .selectFrom(pairs.as('pairs'))
    .select((eb) => ['pairs.key', eb.fn.countAll<number | string>().as('active_users')])
    .groupBy('pairs.key')
    .execute();
  return new Map(rows.map((row) => [row.key, row.active_users]));
}

/** Sums and active users over the range, per value of the grouping's column (or overall). */
async function figuresBy(
  scope: OrgScope,
  range: UsageRange,
  grouping: UsageGroupBy | 'totals',
): Promise<{ key: string; figures: SumRow }[]> {
  const { sums: sumsFrom, users: usersFrom } = sources[grouping];
  const column = grouping === 'totals' ? undefined : keyColumn[grouping];
  const key = column ? sql<string>`${sql.ref(column)}` : sql<string>`''`;
  const [sumRows, users] = await Promise.all([
    rollupRows(scope, sumsFrom, range)
      .$if(column !== undefined, (query) => query.groupBy(column!))
      .select((eb) => [key.as('key'), ...sums(eb)])
      .execute(),
    usersFrom ? activeUsersBy(scope, range, usersFrom, column) : undefined,
  ]);
  return sumRows.map(({ key, ...figures }) => ({
    key,
    // Grouped by user, each line is one user (or none).
    figures: { ...figures, active_users: users ? (users.get(key) ?? 0) : key === '' ? 0 : 1 },
  }));
}

/** The organisation's totals over the range. */
export async function usageTotals(scope: OrgScope, range: UsageRange): Promise<UsageFigures> {
  const [row] = await figuresBy(scope, range, 'totals');
  return toFigures(row?.figures);
}

/**
 * The organisation's usage over the range grouped by day (every day of the range, in order, empty
 * days included), or by model, team or user (most requests first).
 */
export async function usageBreakdown(
  scope: OrgScope,
  range: UsageRange,
  groupBy: UsageGroupBy,
): Promise<UsageBreakdownRow[]> {
  const rows = await figuresBy(scope, range, groupBy);
  const lines = rows.map((row) => ({
    key: row.key === '' ? null : row.key,
    ...toFigures(row.figures),
  }));
  if (groupBy === 'day') {
    const byDay = new Map(lines.map((line) => [line.key, line]));
    return daysIn(range).map((day) => byDay.get(day) ?? { key: day, ...toFigures(undefined) });
  }
  return lines.sort((a, b) => b.requests - a.requests || (a.key ?? '').localeCompare(b.key ?? ''));
}

/** Per-day figures for one model, aligned with `UsageSeries.days`. */
export interface ModelSeries {
  model: string;
  requests: number[];
  totalTokens: number[];
  costUsd: number[];
}

/** Every day of a range and each model's figures per day: a stacked chart's data. */
export interface UsageSeries {
  days: string[];
  /** Most requests over the range first. */
  models: ModelSeries[];
}

/** The organisation's requests, tokens and cost per day, split by model. */
export async function usageSeriesByModel(scope: OrgScope, range: UsageRange): Promise<UsageSeries> {
  const rows = await scope
    .selectFrom('usage_daily_model')
    .where('day', '>=', range.from)
    .where('day', '<', range.to)
    .select((eb) => [
      'day',
      'model',
      eb.fn.sum<Sum>('requests').as('requests'),
      eb.fn.sum<Sum>(eb('prompt_tokens', '+', eb.ref('completion_tokens'))).as('tokens'),
      eb.fn.sum<Sum>('cost_usd').as('cost_usd'),
    ])
    .groupBy(['day', 'model'])
    .execute();
  const days = daysIn(range);
  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const byModel = new Map<string, ModelSeries>();
  for (const row of rows) {
    let series = byModel.get(row.model);
    if (!series) {
      const zeros = () => days.map(() => 0);
      series = { model: row.model, requests: zeros(), totalTokens: zeros(), costUsd: zeros() };
      byModel.set(row.model, series);
    }
    const index = dayIndex.get(row.day)!;
    series.requests[index] = Number(row.requests ?? 0);
    series.totalTokens[index] = Number(row.tokens ?? 0);
    series.costUsd[index] = Number(row.cost_usd ?? 0);
  }
  const total = (series: ModelSeries) => series.requests.reduce((sum, n) => sum + n, 0);
  const models = [...byModel.values()].sort(
    (a, b) => total(b) - total(a) || a.model.localeCompare(b.model),
  );
  return { days, models };
}
