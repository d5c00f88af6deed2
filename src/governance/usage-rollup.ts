// Keeps the usage rollups up to date: `usage_daily` (the ledger summed per organisation, day,
// model, team and user) and its coarser companions `usage_daily_model` (organisation, day, model)
// and `usage_daily_user` (organisation, day, user, team), which analytics read for speed. The
// ledger calls `addToUsageDaily` with each batch, in the transaction that inserts the batch, so
// no rollup ever counts a row the ledger lacks, nor misses one it has, even when a write fails
// and is retried.
import type { Kysely, Transaction } from 'kysely';
import type { Database, UsageEventsTable } from '../store/database.js';
import { activeDays, addActiveDays } from './usage-active-days.js';

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

/** The rollup tables and the columns of their key after `org_id` and `day`. */
export const usageRollups = [
  { table: 'usage_daily', keys: ['model', 'team_id', 'user_id'] },
  { table: 'usage_daily_model', keys: ['model'] },
  { table: 'usage_daily_user', keys: ['user_id', 'team_id'] },
] as const;

/** Every table the flush adds a batch to, in the order it writes them. */
export const usageRollupTables = [
  ...usageRollups.map((rollup) => rollup.table),
  'usage_active_days',
] as const;

type RollupKey = (typeof usageRollups)[number]['keys'][number];

/** Sums fine rollup rows again over a coarser key, sorted by that key. */
export function coarserRollup(rows: readonly DailyRow[], keys: readonly RollupKey[]): DailyRow[] {
  const byKey = new Map<string, DailyRow>();
  for (const row of rows) {
    const id = JSON.stringify([row.org_id, row.day, ...keys.map((key) => row[key])]);
    const sum = byKey.get(id);
    if (!sum) {
      byKey.set(id, { ...row });
      continue;
    }
    for (const name of counters) sum[name] += row[name];
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

// 12 columns × 400 rows stays far below both dialects' limits on bound parameters.
const rowsPerStatement = 400;

/**
 * Adds a batch of ledger rows to every rollup; call it in the transaction inserting them. Tables
 * are written in one order (`usageRollups`, then `usage_active_days`) and each table's keys in
 * sorted order, so concurrent flushes on PostgreSQL lock rows in one global order.
 */
export async function addToUsageDaily(
  db: Kysely<Database> | Transaction<Database>,
  rows: readonly LedgerRow[],
): Promise<void> {
  const fine = dailyRollup(rows);
  for (const { table, keys } of usageRollups) {
    const sums = table === 'usage_daily' ? fine : coarserRollup(fine, keys);
    for (let start = 0; start < sums.length; start += rowsPerStatement) {
      const values = sums.slice(start, start + rowsPerStatement).map((sum) => ({
        org_id: sum.org_id,
        day: sum.day,
        ...Object.fromEntries(keys.map((key) => [key, sum[key]])),
        ...Object.fromEntries(counters.map((name) => [name, sum[name]])),
      }));
      // The casts: Kysely cannot type an upsert into a table picked at run time; all three share
      // `org_id`, `day`, the counters, and the key columns named in `usageRollups`.
      await db
        .insertInto(table)
        .values(values as never)
        .onConflict((conflict) =>
          conflict
            .columns(['org_id', 'day', ...keys] as never)
            .doUpdateSet(
              (eb) =>
                Object.fromEntries(
                  counters.map((name) => [
                    name,
                    eb(
                      eb.ref(`${table}.${name}` as never),
                      '+',
                      eb.ref(`excluded.${name}` as never),
                    ),
                  ]),
                ) as never,
            ),
        )
        .execute();
    }
  }
  await addActiveDays(db, activeDays(fine));
}
