/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Usage analytics read a daily rollup of the usage ledger, not the ledger itself: one row per
// organisation, UTC day, model, team and user with summed counters. The ledger's batch flush adds
// to it in the same transaction as its insert; this migration fills it from the rows already
// there. `''` stands for "no team" / "no user": key columns must be non-null for the primary key
// and for `on conflict` to match on both dialects. Ledger rows without an organisation are not
// rolled up (no organisation could ever read them).
import { sql, type Kysely } from 'kysely';
import { migrationDialect } from './migration-dialect.js';

/** Creates `usage_daily` and fills it from `usage_events`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_daily')
    .addColumn('org_id', 'text', (column) => column.notNull())
    .addColumn('day', 'text', (column) => column.notNull()) // YYYY-MM-DD, UTC
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('team_id', 'text', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('requests', 'bigint', (column) => column.notNull())
    .addColumn('errors', 'bigint', (column) => column.notNull()) // status >= 400
    .addColumn('prompt_tokens', 'bigint', (column) => column.notNull())
    .addColumn('completion_tokens', 'bigint', (column) => column.notNull())
    .addColumn('cost_usd', 'double precision', (column) => column.notNull())
    .addColumn('unpriced_requests', 'bigint', (column) => column.notNull()) // cost_usd was null
    .addColumn('latency_ms', 'bigint', (column) => column.notNull()) // the sum, for the average
    // Analytics read one organisation's days in order: the key leads with both.
    .addPrimaryKeyConstraint('usage_daily_pk', ['org_id', 'day', 'model', 'team_id', 'user_id'])
    // SQLite: the rows are stored in key order, so one organisation's days are read as one run.
    .$call((table) =>
      migrationDialect(db) === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table,
    )
    .execute();

  // Sorted by the key, so that PostgreSQL's heap starts out in the order analytics read it.
  await sql`
    insert into usage_daily (org_id, day, model, team_id, user_id, requests, errors,
      prompt_tokens, completion_tokens, cost_usd, unpriced_requests, latency_ms)
    select org_id, substr(created_at, 1, 10), model, coalesce(team_id, ''), coalesce(user_id, ''),
      count(*), sum(case when status >= 400 then 1 else 0 end),
      sum(prompt_tokens), sum(completion_tokens), coalesce(sum(cost_usd), 0),
      sum(case when cost_usd is null then 1 else 0 end), sum(latency_ms)
    from usage_events
    where org_id is not null
    group by 1, 2, 3, 4, 5
    order by 1, 2, 3, 4, 5`.execute(db);
}

/** Drops `usage_daily`; the ledger keeps every row it was built from. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_daily').execute();
}
