// Keeps `usage_daily` (the ledger summed per organisation, day, model, team and user) up to date:
// the ledger calls `addToUsageDaily` with each batch, in the transaction that inserts the batch, so
// the rollup never counts a row the ledger lacks, nor misses one it has, even when a write fails
// and is retried.
import type { Kysely, Transaction } from 'kysely';
import type { Database, UsageEventsTable } from '../store/database.js';

/** One `usage_daily` row as written: the key and the batch's sums. */
export interface DailyRow {
  org_id: string;
  day: string;
  model: string;
  team_id: string;
  user_id: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
  latency_ms: number;
}

type LedgerRow = Pick<
  UsageEventsTable,
  | 'created_at'
  | 'org_id'
  | 'team_id'
  | 'user_id'
  | 'model'
  | 'status'
  | 'prompt_tokens'
  | 'completion_tokens'
  | 'cost_usd'
  | 'latency_ms'
>;

const counters = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'unpriced_requests',
  'latency_ms',
] as const;

/** Sums ledger rows per rollup key, sorted by key; rows without an organisation are left out. */
export function dailyRollup(rows: readonly LedgerRow[]): DailyRow[] {
  const byKey = new Map<string, DailyRow>();
  for (const row of rows) {
    if (!row.org_id) continue;
    const day = row.created_at.slice(0, 10);
    const teamId = row.team_id ?? '';
    const userId = row.user_id ?? '';
    const id = JSON.stringify([row.org_id, day, row.model, teamId, userId]);
    let sum = byKey.get(id);
    if (!sum) {
      sum = {
        org_id: row.org_id,
        day,
        model: row.model,
        team_id: teamId,
        user_id: userId,
        requests: 0,
        errors: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        cost_usd: 0,
        unpriced_requests: 0,
        latency_ms: 0,
      };
      byKey.set(id, sum);
    }
    sum.requests += 1;
    sum.errors += row.status >= 400 ? 1 : 0;
    sum.prompt_tokens += row.prompt_tokens;
    sum.completion_tokens += row.completion_tokens;
    sum.cost_usd += row.cost_usd ?? 0;
    sum.unpriced_requests += row.cost_usd === null ? 1 : 0;
    sum.latency_ms += row.latency_ms;
  }
  // One order for every writer: two PostgreSQL transactions upserting overlapping keys then lock
  // them in the same order and wait for each other instead of deadlocking.
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

// 12 columns × 400 rows stays far below both dialects' limits on bound parameters.
const rowsPerStatement = 400;

/** Adds a batch of ledger rows to `usage_daily`; call it in the transaction inserting them. */
export async function addToUsageDaily(
  db: Kysely<Database> | Transaction<Database>,
  rows: readonly LedgerRow[],
): Promise<void> {
  const sums = dailyRollup(rows);
  for (let start = 0; start < sums.length; start += rowsPerStatement) {
    await db
      .insertInto('usage_daily')
      .values(sums.slice(start, start + rowsPerStatement))
      .onConflict((conflict) =>
        conflict
          .columns(['org_id', 'day', 'model', 'team_id', 'user_id'])
          .doUpdateSet((eb) =>
            Object.fromEntries(
              counters.map((name) => [
                name,
                eb(eb.ref(`usage_daily.${name}`), '+', eb.ref(`excluded.${name}`)),
              ]),
            ),
          ),
      )
      .execute();
  }
}
