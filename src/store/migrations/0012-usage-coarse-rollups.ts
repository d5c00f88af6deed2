/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// Two coarser companions of `usage_daily` (0010), because the fine rollup shrinks a busy ledger
// only ~11×: a 90-day report over it still sums hundreds of thousands of rows.
// - `usage_daily_model` (org, day, model): totals, the per-day figures and series, per model sums.
// - `usage_daily_user` (org, day, user, team): per-user and per-team figures, and active users
//   (distinct users) of a range, a day or a team. The team is in the key because a team's active
//   users can only be counted from (team, user) pairs; one user usually has one team, so it barely
//   adds rows.
// The ledger's flush keeps all three in its transaction; this migration fills the new ones from
// `usage_daily`, which holds exactly the same sums at a finer grain. Same conventions as 0010:
// `''` for no team / no user, WITHOUT ROWID on SQLite, the key leading with organisation and day.
import { sql, type Kysely } from 'kysely';
import { migrationDialect } from './migration-dialect.js';

const counters = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'unpriced_requests',
  'latency_ms',
] as const;

async function createRollup(db: Kysely<any>, table: string, keys: string[]): Promise<void> {
  let builder = db.schema
    .createTable(table)
    .addColumn('org_id', 'text', (column) => column.notNull())
    .addColumn('day', 'text', (column) => column.notNull());
  for (const key of keys) builder = builder.addColumn(key, 'text', (column) => column.notNull());
  for (const counter of counters) {
    const type = counter === 'cost_usd' ? 'double precision' : 'bigint';
    builder = builder.addColumn(counter, type, (column) => column.notNull());
  }
  await builder
    .addPrimaryKeyConstraint(`${table}_pk`, ['org_id', 'day', ...keys] as never)
    .$call((table) =>
      migrationDialect(db) === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table,
    )
    .execute();
  // A report reads tens of thousands of these rows: PostgreSQL would start parallel workers for
  // that, which cost more than the scan itself (measured: 40 ms of work, 170–400 ms to gather on
  // a loaded 2-core host).
  if (migrationDialect(db) === 'postgres') {
    await sql`alter table ${sql.table(table)} set (parallel_workers = 0)`.execute(db);
  }

  // Sorted by the key, so that PostgreSQL's heap starts out in the order analytics read it.
  const key = ['org_id', 'day', ...keys].map((column) => sql.ref(column));
  const sums = counters.map((counter) => sql`sum(${sql.ref(counter)})`);
  await sql`
    insert into ${sql.table(table)} (${sql.join(key)}, ${sql.join(counters.map((c) => sql.ref(c)))})
    select ${sql.join(key)}, ${sql.join(sums)}
    from usage_daily
    group by ${sql.join(key)}
    order by ${sql.join(key)}`.execute(db);
}

/** Creates `usage_daily_model` and `usage_daily_user` and fills them from `usage_daily`. */
export async function up(db: Kysely<any>): Promise<void> {
  await createRollup(db, 'usage_daily_model', ['model']);
  await createRollup(db, 'usage_daily_user', ['user_id', 'team_id']);
}

/** Drops both; `usage_daily` keeps every sum they were built from. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_daily_user').execute();
  await db.schema.dropTable('usage_daily_model').execute();
}
