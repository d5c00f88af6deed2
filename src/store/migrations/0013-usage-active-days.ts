/* eslint-disable @typescript-eslint/no-explicit-any -- frozen: must not depend on today's types */
// `usage_active_days`: the days of each month on which a user sent a model at least one request,
// as the bits of one integer per (organisation, month, model, user): day 1 is bit 0, day 31 bit
// 30. Active users per model over a range of whole days were counted from `usage_daily` (0010),
// whose ~350,000 rows for a busy organisation's 90 days SQLite had to sort; one row per month
// holds the same answer exactly, for any range, in ~12,000 rows. The ledger's flush keeps it up to
// date in its transaction; this migration fills it from `usage_daily`.
// Only real users have rows (`user_id <> ''`): requests without a user never count as active.
// Same conventions as 0010 and 0012: WITHOUT ROWID on SQLite, the key leading with the
// organisation and the period, no parallel workers on PostgreSQL.
import { sql, type Kysely } from 'kysely';
import { migrationDialect } from './migration-dialect.js';

/** Creates `usage_active_days` and fills it from `usage_daily`. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_active_days')
    .addColumn('org_id', 'text', (column) => column.notNull())
    .addColumn('month', 'text', (column) => column.notNull()) // YYYY-MM, UTC
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('user_id', 'text', (column) => column.notNull())
    .addColumn('day_bits', 'bigint', (column) => column.notNull()) // bit d - 1 for day d
    .addPrimaryKeyConstraint('usage_active_days_pk', ['org_id', 'month', 'model', 'user_id'])
    .$call((table) =>
      migrationDialect(db) === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table,
    )
    .execute();
  // As for 0012's tables: a report reads thousands of these rows, too few to pay for workers.
  if (migrationDialect(db) === 'postgres') {
    await sql`alter table usage_active_days set (parallel_workers = 0)`.execute(db);
  }

  // One bit per distinct day: summing distinct powers of two or-s them, and `sum` is on both
  // dialects where a bitwise-or aggregate is not. `usage_daily` has a row per team as well, hence
  // the distinct. `1 << n` shifts an integer on both. Sorted by the key, so that PostgreSQL's heap
  // starts out in the order reports read it.
  await sql`
    insert into usage_active_days (org_id, month, model, user_id, day_bits)
    select org_id, substr(day, 1, 7), model, user_id, sum(1 << (cast(substr(day, 9, 2) as integer) - 1))
    from (select distinct org_id, day, model, user_id from usage_daily where user_id <> '') as active
    group by org_id, substr(day, 1, 7), model, user_id
    order by org_id, substr(day, 1, 7), model, user_id`.execute(db);
}

/** Drops `usage_active_days`; `usage_daily` keeps what it was built from. */
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('usage_active_days').execute();
}
