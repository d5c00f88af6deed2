// The baseline: the same figures as Salon's analytics, computed from the raw ledger
// (`usage_events` through its `(org_id, created_at)` index), as a report without a rollup would.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/database.js';
import type { UsageRange } from '../../src/governance/usage-range.js';

/** What a baseline query groups by; `totals` groups by nothing. */
export type BaselineQuery = 'totals' | 'day' | 'model' | 'team' | 'user';

const groupColumn: Record<Exclude<BaselineQuery, 'totals'>, string> = {
  day: 'substr(created_at, 1, 10)',
  model: 'model',
  team: 'team_id',
  user: 'user_id',
};

/** Runs one baseline query for `orgId` over `range`; returns its rows. */
export async function rawLedgerQuery(
  db: Kysely<Database>,
  orgId: string,
  range: UsageRange,
  query: BaselineQuery,
): Promise<Record<string, unknown>[]> {
  const key = query === 'totals' ? undefined : sql.raw(groupColumn[query]);
  const { rows } = await sql<Record<string, unknown>>`
    select ${key ? sql`${key} as key,` : sql``}
      count(*) as requests, sum(case when status >= 400 then 1 else 0 end) as errors,
      sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens,
      sum(cost_usd) as cost_usd, sum(case when cost_usd is null then 1 else 0 end) as unpriced,
      count(distinct user_id) as active_users, avg(latency_ms) as avg_latency_ms
    from usage_events
    where org_id = ${orgId} and created_at >= ${`${range.from}T00:00:00.000Z`}
      and created_at < ${`${range.to}T00:00:00.000Z`}
    ${key ? sql`group by ${key}` : sql``}`.execute(db);
  return rows;
}
